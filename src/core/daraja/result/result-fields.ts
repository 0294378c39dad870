// What each Result API carries in its ResultParameters (SPEC §6–§9), read by Key: the amount, the parties, the time
// it completed, B2C's account balances and a balance result's accounts. A value that cannot be read is a warning.
import type { Problem } from "../../result.ts";
import { parseAmountToCents } from "../../money.ts";
import { parseDarajaDateTime } from "../../time.ts";
import { MAX_AMOUNT_CENTS } from "../stk/stk-metadata.ts";
import { parseAccountBalance, parseSignedCents, type BalanceAccount } from "./account-balance.ts";
import type { KeyValues } from "./key-values.ts";
import type { ResultApi } from "./result-codes.ts";

export interface B2cBalances {
  utilityCents: number | null; // B2CUtilityAccountAvailableFunds: what payouts are drawn from
  workingCents: number | null; // B2CWorkingAccountAvailableFunds
  chargesPaidCents: number | null; // B2CChargesPaidAccountAvailableFunds (can be negative)
}

export interface ResultFields {
  amountCents: number | null;
  creditParty: string | null; // who received: "254700000004 - TEST RECIPIENT"
  debitParty: string | null; // who paid, where the API names it
  completedAt: Date | null; // UTC
  b2cBalances: B2cBalances | null;
  accounts: BalanceAccount[];
}

interface Keys { amount?: string; credit?: string; debit?: string; completed?: string }

// The B2B keys are those of the documentation's B2B sample (SPEC §6 note); "echo" is a timeout's request echo (§6.1).
const KEYS: Record<ResultApi | "echo", Keys> = {
  b2c: { amount: "TransactionAmount", credit: "ReceiverPartyPublicName", completed: "TransactionCompletedDateTime" },
  b2b: { amount: "Amount", credit: "ReceiverPartyPublicName", completed: "TransCompletedTime" },
  status: { amount: "Amount", credit: "CreditPartyName", debit: "DebitPartyName", completed: "FinalisedTime" },
  balance: { completed: "BOCompletedTime" },
  reversal: { amount: "Amount", credit: "CreditPartyPublicName", debit: "DebitPartyPublicName", completed: "TransCompletedTime" },
  echo: { amount: "Amount", credit: "PartyB", debit: "PartyA" },
};

const MAX_PARTY_LENGTH = 255;

const B2C_BALANCES = { utilityCents: "B2CUtilityAccountAvailableFunds", workingCents: "B2CWorkingAccountAvailableFunds", chargesPaidCents: "B2CChargesPaidAccountAvailableFunds" } as const;

export function readResultFields(api: ResultApi | "echo", params: KeyValues, warnings: Problem[]): ResultFields {
  const keys = KEYS[api];
  const text = (key: string | undefined): string | null => (key === undefined || !params.values[key] ? null : params.values[key] ?? null);
  const read = <T>(key: string | undefined, reader: (v: string) => T | null, expected: string): T | null => {
    const t = text(key);
    const v = t === null ? null : reader(t);
    if (t !== null && v === null) warnings.push({ path: params.paths.get(key ?? "") ?? "(body)", message: `must be ${expected}, got ${JSON.stringify(t.slice(0, 40))}` });
    return v;
  };
  const amount = (v: string) => { const c = parseAmountToCents(v); return c !== null && c <= MAX_AMOUNT_CENTS ? c : null; };
  const balance = (key: string) => read(key, parseSignedCents, "an amount in KES with at most 2 decimals");
  // A party is "2547… - NAME" (SPEC §6); its column holds 255 characters: longer is cut, never the row refused.
  const party = (key: string | undefined): string | null => {
    const t = text(key);
    if (t === null || Array.from(t).length <= MAX_PARTY_LENGTH) return t;
    warnings.push({ path: params.paths.get(key ?? "") ?? "(body)", message: `is longer than ${MAX_PARTY_LENGTH} characters; kept the first ${MAX_PARTY_LENGTH} (the parameters keep it whole)` });
    return Array.from(t).slice(0, MAX_PARTY_LENGTH).join("");
  };
  const b2c = api === "b2c" && Object.values(B2C_BALANCES).some((k) => params.paths.has(k));
  return {
    amountCents: read(keys.amount, amount, `an amount in KES with at most 2 decimals, up to ${MAX_AMOUNT_CENTS / 100}`),
    creditParty: party(keys.credit),
    debitParty: party(keys.debit),
    completedAt: read(keys.completed, parseDarajaDateTime, "a time written YYYYMMDDHHmmss or dd.MM.yyyy HH:mm:ss (Nairobi), or ISO 8601 with an offset"),
    b2cBalances: b2c ? { utilityCents: balance(B2C_BALANCES.utilityCents), workingCents: balance(B2C_BALANCES.workingCents), chargesPaidCents: balance(B2C_BALANCES.chargesPaidCents) } : null,
    accounts: api === "balance" ? readAccounts(params, warnings) : [],
  };
}

function readAccounts(params: KeyValues, warnings: Problem[]): BalanceAccount[] {
  const text = params.values.AccountBalance;
  if (!text) return [];
  const { accounts, notes } = parseAccountBalance(text);
  const path = params.paths.get("AccountBalance") ?? "(body)";
  for (const note of notes) warnings.push({ path, message: `${note}: skipped` });
  return accounts;
}
