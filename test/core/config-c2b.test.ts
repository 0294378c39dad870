// The C2B validation settings: read into rules, and every mistake named with how to fix it.
import { expect, test } from "bun:test";
import { parseConfig } from "../../src/core/config.ts";

test("defaults: every validation request accepted, answered within 3 s, accepted when the database is late", () => {
  const r = parseConfig({});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  expect([r.value.c2b.rules.mode, r.value.c2b.timeoutMs, r.value.c2b.fallback, r.value.c2b.rules.shortcodes]).toEqual(["accept", 3000, "accept", []]);
});

test("rules: amounts in cents, the whole account matched, shortcodes listed", () => {
  const r = parseConfig({ MPESA_CB_C2B_VALIDATION: "rules", MPESA_CB_C2B_MIN_AMOUNT: "10.5", MPESA_CB_C2B_MAX_AMOUNT: "1000", MPESA_CB_C2B_ACCOUNT_PATTERN: "INV-[0-9]+", MPESA_CB_SHORTCODES: "600000, 600001", MPESA_CB_C2B_KNOWN_ACCOUNTS: "on" });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const rules = r.value.c2b.rules;
  expect([rules.minAmountCents, rules.maxAmountCents, rules.shortcodes, rules.knownAccounts]).toEqual([1050, 100000, ["600000", "600001"], true]);
  expect([rules.accountPattern?.test("INV-12"), rules.accountPattern?.test("xINV-12")]).toEqual([true, false]);
});

test.each<[Record<string, string>, string, string]>([
  [{ MPESA_CB_C2B_ACCOUNT_PATTERN: "INV-[0-9" }, "MPESA_CB_C2B_ACCOUNT_PATTERN (--c2b-account-pattern)", "is not a regular expression"],
  [{ MPESA_CB_C2B_MIN_AMOUNT: "100", MPESA_CB_C2B_MAX_AMOUNT: "10" }, "MPESA_CB_C2B_MIN_AMOUNT (--c2b-min-amount)", "more than MPESA_CB_C2B_MAX_AMOUNT"],
  [{ MPESA_CB_C2B_MIN_AMOUNT: "10.005" }, "MPESA_CB_C2B_MIN_AMOUNT (--c2b-min-amount)", "at most 2 decimals"],
  [{ MPESA_CB_C2B_VALIDATION: "maybe" }, "MPESA_CB_C2B_VALIDATION (--c2b-validation)", "maybe"],
  [{ MPESA_CB_C2B_VALIDATION_TIMEOUT_MS: "9000" }, "MPESA_CB_C2B_VALIDATION_TIMEOUT_MS (--c2b-validation-timeout-ms)", "9000"],
])("%p is refused, naming the setting", (env, path, words) => {
  const r = parseConfig(env);
  expect(r.ok).toBe(false);
  const problem = r.ok ? undefined : r.problems.find((p) => p.path === path);
  expect(problem?.message).toContain(words);
});
