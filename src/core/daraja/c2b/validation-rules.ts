// Pure: the merchant's answer to a C2B validation request (SPEC §4.4). Each rejection names the rule that decided and
// the documented code that selects the customer's SMS text.
import type { C2bPayment } from "./parse-c2b.ts";
import type { Decision } from "../../ingest/batch-plan.ts";

export type RejectCode = "C2B00011" | "C2B00012" | "C2B00013" | "C2B00014" | "C2B00015" | "C2B00016";

export interface ValidationRules {
  mode: "accept" | "rules";
  accountPattern: RegExp | null; // the whole BillRefNumber must match
  minAmountCents: number | null;
  maxAmountCents: number | null;
  knownAccounts: boolean; // the account must be a row of c2b_accounts
  shortcodes: readonly string[]; // accepted BusinessShortCodes; empty: any
}

export const ACCEPT_ALL: ValidationRules = Object.freeze({
  mode: "accept", accountPattern: null, minAmountCents: null, maxAmountCents: null, knownAccounts: false, shortcodes: [],
});

/** Let through, by `rule`; `fallback`: the database did not answer in time and the operator's fallback decided. */
export function accepted(rule: string, fallback = false): Decision {
  return { accept: true, code: "0", rule, fallback };
}

export function rejected(code: RejectCode, rule: string, fallback = false): Decision {
  return { accept: false, code, rule, fallback };
}

/** The rules that need no database, in the order they are checked; null when every one of them passes. */
export function checkStaticRules(p: C2bPayment, rules: ValidationRules): Decision | null {
  if (rules.mode === "accept") return accepted("accept-all");
  if (rules.shortcodes.length > 0 && !rules.shortcodes.includes(p.businessShortCode ?? "")) return rejected("C2B00015", "shortcode");
  if (rules.accountPattern !== null && !rules.accountPattern.test(p.billRefNumber ?? "")) return rejected("C2B00012", "account-pattern");
  const bounded = rules.minAmountCents !== null || rules.maxAmountCents !== null;
  if (bounded && p.amountCents === null) return rejected("C2B00013", "amount-unreadable");
  if (rules.minAmountCents !== null && (p.amountCents ?? 0) < rules.minAmountCents) return rejected("C2B00013", "amount-min");
  if (rules.maxAmountCents !== null && (p.amountCents ?? 0) > rules.maxAmountCents) return rejected("C2B00013", "amount-max");
  return null;
}

/** After the static rules: the known-accounts rule, given whether c2b_accounts holds the account. */
export function decideKnownAccount(known: boolean): Decision {
  return known ? accepted("known-account") : rejected("C2B00012", "known-account");
}

/** `^…$` around the operator's pattern: the WHOLE account number must match, not a part of it. */
export function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

