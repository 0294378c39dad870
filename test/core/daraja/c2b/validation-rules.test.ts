// The merchant's answer to a C2B validation: each rule accepts and rejects with its documented code (SPEC §4.4).
import { describe, expect, test } from "bun:test";
import { ACCEPT_ALL, checkStaticRules, decideKnownAccount, wholeMatch, type ValidationRules } from "../../../../src/core/daraja/c2b/validation-rules.ts";
import { validationAnswer } from "../../../../src/core/daraja/c2b/validation.ts";
import type { C2bPayment } from "../../../../src/core/daraja/c2b/parse-c2b.ts";

const payment = (p: Partial<C2bPayment> = {}): C2bPayment => ({
  transId: "FAKE0C2B01", transactionType: "Pay Bill", transTime: null, amountCents: 25000, businessShortCode: "600000",
  billRefNumber: "INV-000123", invoiceNumber: null, orgAccountBalanceCents: null, thirdPartyTransId: null, msisdn: null,
  msisdnKind: null, firstName: null, middleName: null, lastName: null, warnings: [], ...p,
});
const rules = (r: Partial<ValidationRules>): ValidationRules => ({ ...ACCEPT_ALL, mode: "rules", ...r });

describe("checkStaticRules", () => {
  test.each<[string, Partial<ValidationRules>, Partial<C2bPayment>, string | null]>([
    ["accept mode takes everything", { mode: "accept", minAmountCents: 10_000_000 }, {}, "accept-all"],
    ["rules with none set: passes on", {}, {}, null],
    ["a listed shortcode", { shortcodes: ["600000", "600001"] }, {}, null],
    ["an unlisted shortcode", { shortcodes: ["600001"] }, {}, "C2B00015 shortcode"],
    ["an account matching the whole pattern", { accountPattern: wholeMatch("INV-\\d{6}") }, {}, null],
    ["an account matching only a part", { accountPattern: wholeMatch("INV-\\d{3}") }, {}, "C2B00012 account-pattern"],
    ["no account at all", { accountPattern: wholeMatch("INV-\\d{6}") }, { billRefNumber: null }, "C2B00012 account-pattern"],
    ["at the minimum", { minAmountCents: 25000 }, {}, null],
    ["below the minimum", { minAmountCents: 25001 }, {}, "C2B00013 amount-min"],
    ["at the maximum", { maxAmountCents: 25000 }, {}, null],
    ["above the maximum", { maxAmountCents: 24999 }, {}, "C2B00013 amount-max"],
    ["no readable amount under a bound", { minAmountCents: 100 }, { amountCents: null }, "C2B00013 amount-unreadable"],
    ["the shortcode is checked first", { shortcodes: ["1"], minAmountCents: 10_000_000 }, {}, "C2B00015 shortcode"],
  ])("%s", (_, r, p, expected) => {
    const d = checkStaticRules(payment(p), rules(r));
    expect(d === null ? null : d.accept ? d.rule : `${d.code} ${d.rule}`).toBe(expected);
  });
});

describe("answers", () => {
  test("known accounts", () => {
    expect([decideKnownAccount(true), decideKnownAccount(false)]).toEqual([
      { accept: true, code: "0", rule: "known-account", fallback: false }, { accept: false, code: "C2B00012", rule: "known-account", fallback: false },
    ]);
  });

  test("what Daraja gets: codes as strings, as documented", () => {
    expect(validationAnswer({ accept: true, code: "0", rule: "accept-all", fallback: false })).toEqual({ ResultCode: "0", ResultDesc: "Accepted" });
    expect(validationAnswer({ accept: false, code: "C2B00013", rule: "amount-min", fallback: false })).toEqual({ ResultCode: "C2B00013", ResultDesc: "Rejected" });
  });
});
