// The settings that need more than a type check: secret path tokens and address lists, and Daraja confirmation.
import type { Problem, Result } from "./result.ts";
import { parseCidr, type Cidr } from "./auth/cidr.ts";
import type { SourceMode } from "./auth/source-check.ts";
import { SETTINGS, type Config, type ConfirmConfig, type SettingName } from "./config.ts";

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
  const value = { callbackTokens, sourceIpMode: s.sourceIpMode as SourceMode, sourceIps: ranges("sourceIps", s.sourceIps), trustedProxies: ranges("trustedProxies", s.trustedProxies), rejectUnsolicited: s.unsolicited === "reject" };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
