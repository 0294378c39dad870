// The settings that need more than a type check: secret path tokens and address lists, Daraja confirmation, and the
// C2B validation rules.
import type { Problem, Result } from "./result.ts";
import { parseCidr, type Cidr } from "./auth/cidr.ts";
import type { SourceMode } from "./auth/source-check.ts";
import { SETTINGS, type Config, type ConfirmConfig, type SettingName } from "./config.ts";
import { parseAmountToCents } from "./money.ts";
import { wholeMatch } from "./daraja/c2b/validation-rules.ts";

type Validated = Record<SettingName, never>;

export function parseConfirm(s: Validated): Result<ConfirmConfig> {
  const creds = { consumerKey: s.mpesaConsumerKey, consumerSecret: s.mpesaConsumerSecret, shortcode: s.mpesaShortcode, passkey: s.mpesaPasskey } as Record<string, string | undefined>;
  const enabled = s.confirm === "on";
  const names = { consumerKey: "MPESA_CONSUMER_KEY", consumerSecret: "MPESA_CONSUMER_SECRET", shortcode: "MPESA_SHORTCODE", passkey: "MPESA_PASSKEY" };
  const missing = Object.entries(names).filter(([k]) => !creds[k]).map(([, env]) => env);
  if (enabled && missing.length > 0) {
    return { ok: false, problems: [{ path: "MPESA_CB_CONFIRM (--confirm)", message: `=on needs MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_SHORTCODE and MPESA_PASSKEY (missing: ${missing.join(", ")}): copy them from your Daraja app, or set MPESA_CB_CONFIRM=off` }] };
  }
  return {
    ok: true,
    value: {
      enabled, apiRoot: String(s.mpesaApiRoot).replace(/\/+$/, ""), consumerKey: creds.consumerKey ?? "", consumerSecret: creds.consumerSecret ?? "",
      shortcode: creds.shortcode ?? "", passkey: creds.passkey ?? "", ratePerSecond: s.confirmRate, firstDelayMs: s.confirmFirstDelayMs, maxAttempts: s.confirmMaxAttempts,
    },
  };
}

// Tokens are path segments an attacker must not guess: long, and URL-safe so Daraja keeps them intact.
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export function parseAuth(s: Validated): Result<Config["auth"]> {
  const list = (v: string) => String(v).split(",").map((x) => x.trim()).filter((x) => x !== "");
  const problems: Problem[] = [];
  const callbackTokens = list(s.callbackTokens);
  if (callbackTokens.some((t) => !TOKEN.test(t))) {
    problems.push({ path: "MPESA_CB_CALLBACK_TOKENS (--callback-tokens)", message: "each token must be 16-128 letters, digits, - or _ (e.g. generate one with: openssl rand -hex 24)" });
  }
  const ranges = (name: SettingName, text: string): Cidr[] => {
    const parsed = list(text).map((x) => [x, parseCidr(x)] as const);
    for (const [x, c] of parsed) if (c === null) problems.push({ path: `${SETTINGS[name].env} (${SETTINGS[name].flag})`, message: `"${x}" is not an address or CIDR range (e.g. 196.201.214.200 or 10.0.0.0/8)` });
    return parsed.flatMap(([, c]) => (c ? [c] : []));
  };
  const value = { callbackTokens, sourceIpMode: s.sourceIpMode as SourceMode, sourceIps: ranges("sourceIps", s.sourceIps), trustedProxies: ranges("trustedProxies", s.trustedProxies), rejectUnsolicited: s.unsolicited === "reject", metricsAllow: ranges("metricsAllow", s.metricsAllow) };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

export function parseC2b(s: Validated): Result<Config["c2b"]> {
  const problems: Problem[] = [];
  let accountPattern: RegExp | null = null;
  if (s.c2bAccountPattern !== undefined) {
    try {
      accountPattern = wholeMatch(String(s.c2bAccountPattern));
    } catch (e) {
      problems.push({ path: "MPESA_CB_C2B_ACCOUNT_PATTERN (--c2b-account-pattern)", message: `"${String(s.c2bAccountPattern)}" is not a regular expression (${e instanceof Error ? e.message : String(e)}), e.g. INV-[0-9]{6}` });
    }
  }
  const cents = (v: unknown, name: SettingName) => {
    const c = v === undefined ? null : parseAmountToCents(v);
    if (v !== undefined && c === null) problems.push({ path: `${SETTINGS[name].env} (${SETTINGS[name].flag})`, message: `is ${String(v)}: an amount in KES with at most 2 decimals, e.g. 10 or 10.50` });
    return c;
  };
  const [minAmountCents, maxAmountCents] = [cents(s.c2bMinAmount, "c2bMinAmount"), cents(s.c2bMaxAmount, "c2bMaxAmount")];
  if (minAmountCents !== null && maxAmountCents !== null && minAmountCents > maxAmountCents) {
    problems.push({ path: "MPESA_CB_C2B_MIN_AMOUNT (--c2b-min-amount)", message: `is ${String(s.c2bMinAmount)}, more than MPESA_CB_C2B_MAX_AMOUNT (${String(s.c2bMaxAmount)}): no payment could pass` });
  }
  const shortcodes = String(s.shortcodes).split(",").map((x) => x.trim()).filter((x) => x !== "");
  const rules = { mode: s.c2bValidation as "accept" | "rules", accountPattern, minAmountCents, maxAmountCents, knownAccounts: s.c2bKnownAccounts === "on", shortcodes };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { rules, timeoutMs: s.c2bValidationTimeoutMs, fallback: s.c2bValidationFallback as "accept" | "reject" } };
}

export function parseResults(s: Validated): Result<Config["results"]> {
  if (s.lowBalanceKes === undefined) return { ok: true, value: { lowBalanceCents: null } };
  const cents = parseAmountToCents(s.lowBalanceKes);
  if (cents === null) return { ok: false, problems: [{ path: "MPESA_CB_LOW_BALANCE_KES (--low-balance-kes)", message: `is ${String(s.lowBalanceKes)}: an amount in KES with at most 2 decimals, e.g. 20000; leave it unset for no low-balance alerts` }] };
  return { ok: true, value: { lowBalanceCents: cents } };
}

/** MPESA_CB_RECONCILE=on asks Daraja, as MPESA_CB_CONFIRM=on does: the same four credentials. */
export function parseReconcile(s: Validated): Result<Config["reconcile"]> {
  const enabled = s.reconcile === "on";
  const names = { MPESA_CONSUMER_KEY: s.mpesaConsumerKey, MPESA_CONSUMER_SECRET: s.mpesaConsumerSecret, MPESA_SHORTCODE: s.mpesaShortcode, MPESA_PASSKEY: s.mpesaPasskey } as Record<string, string | undefined>;
  const missing = Object.entries(names).filter(([, v]) => !v).map(([env]) => env);
  if (enabled && missing.length > 0) {
    return { ok: false, problems: [{ path: "MPESA_CB_RECONCILE (--reconcile)", message: `=on needs MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_SHORTCODE and MPESA_PASSKEY (missing: ${missing.join(", ")}): copy them from your Daraja app, or set MPESA_CB_RECONCILE=off` }] };
  }
  const afterMs = Number(s.reconcileAfterS) * 1000;
  const maxAgeMs = Number(s.reconcileMaxAgeS) * 1000;
  if (maxAgeMs <= afterMs) {
    return { ok: false, problems: [{ path: "MPESA_CB_RECONCILE_MAX_AGE_S (--reconcile-max-age-s)", message: `must be more than MPESA_CB_RECONCILE_AFTER_S (${s.reconcileAfterS}): no payment request could be asked about` }] };
  }
  return { ok: true, value: { enabled, intervalMs: Number(s.reconcileIntervalS) * 1000, afterMs, maxAgeMs } };
}
