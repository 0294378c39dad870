// C2B bodies (SPEC §4): what is read from each documented variation, and what cannot be identified.
import { describe, expect, test } from "bun:test";
import { parseC2b, type C2bPayment } from "../../../../src/core/daraja/c2b/parse-c2b.ts";
import confirmation from "../../../../src/core/daraja/c2b/fixtures/c2b_confirmation.json" with { type: "text" };

const base = (): Record<string, unknown> => JSON.parse(confirmation as unknown as string) as Record<string, unknown>;
const with_ = (change: (b: Record<string, unknown>) => void) => {
  const b = base();
  change(b);
  return b;
};
function accepted(body: unknown): C2bPayment {
  const r = parseC2b(body);
  if (!r.ok) throw new Error(`rejected: ${JSON.stringify(r.problems)}`);
  return r.value;
}

describe("parseC2b", () => {
  test("the documented confirmation: every field, cents, UTC, the masked MSISDN as sent", () => {
    expect(accepted(base())).toEqual({
      transId: "FAKE0C2B01", transactionType: "Pay Bill", transTime: new Date("2025-01-15T09:05:01Z"), amountCents: 25000,
      businessShortCode: "600000", billRefNumber: "INV-000123", invoiceNumber: null, orgAccountBalanceCents: 1025000,
      thirdPartyTransId: "my-ref-000123", msisdn: "2547 ***** 001", msisdnKind: "masked",
      firstName: "TESTFIRST", middleName: null, lastName: null, warnings: [],
    });
  });

  test.each<[string, (b: Record<string, unknown>) => void, Partial<C2bPayment>]>([
    ["a plain MSISDN as a number", (b) => { b.MSISDN = 254700000003; }, { msisdn: "254700000003", msisdnKind: "plain" }],
    ["a plain MSISDN with + and spaces", (b) => { b.MSISDN = "+254 700 000 003"; }, { msisdn: "254700000003", msisdnKind: "plain" }],
    ["a hashed MSISDN (C2B v1)", (b) => { b.MSISDN = "94C2C3A1B2"; b.MSISDN = "9".repeat(62) + "AB"; }, { msisdn: `${"9".repeat(62)}ab`, msisdnKind: "hashed" }],
    ["TransAmount as a number", (b) => { b.TransAmount = 250; }, { amountCents: 25000 }],
    ["BusinessShortCode as a number", (b) => { b.BusinessShortCode = 600000; }, { businessShortCode: "600000" }],
    ["TransTime as a number", (b) => { b.TransTime = 20250115120501; }, { transTime: new Date("2025-01-15T09:05:01Z") }],
    ["a blank OrgAccountBalance (validation)", (b) => { b.OrgAccountBalance = ""; }, { orgAccountBalanceCents: null, warnings: [] }],
    ["keys with stray spaces", (b) => { b[" Bill Ref Number "] = b.BillRefNumber; delete b.BillRefNumber; }, { billRefNumber: "INV-000123" }],
    ["a TransID given as a list of one", (b) => { b.TransID = ["FAKE0C2B01"]; }, { transId: "FAKE0C2B01" }],
    ["names missing (only FirstName in production)", (b) => { delete b.MiddleName; delete b.LastName; }, { middleName: null, lastName: null }],
  ])("%s", (_, change, expected) => {
    expect(accepted(with_(change))).toMatchObject(expected);
  });

  test.each<[string, (b: Record<string, unknown>) => void, string[]]>([
    ["an unreadable amount is kept as no amount, with a warning", (b) => { b.TransAmount = "two hundred"; }, ["TransAmount"]],
    ["a missing amount too", (b) => { delete b.TransAmount; }, ["TransAmount"]],
    ["an impossible TransTime", (b) => { b.TransTime = "20251315120501"; }, ["TransTime"]],
    ["a field of the wrong kind", (b) => { b.FirstName = { a: 1 }; }, ["FirstName"]],
  ])("%s", (_, change, paths) => {
    expect(accepted(with_(change)).warnings.map((w) => w.path)).toEqual(paths);
  });

  test.each<[string, unknown, string[]]>([
    ["no TransID", with_((b) => { delete b.TransID; }), ["TransID"]],
    ["a blank TransID", with_((b) => { b.TransID = "  "; }), ["TransID"]],
    ["TransID null", with_((b) => { b.TransID = null; }), ["TransID"]],
    ["an STK callback on the C2B route", { Body: { stkCallback: {} } }, ["TransID"]],
    ["not an object", [1, 2], ["(body)"]],
  ])("rejected: %s", (_, body, paths) => {
    const r = parseC2b(body);
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(paths);
  });

  test("an STK body on the C2B route says where it belongs", () => {
    const r = parseC2b({ Body: { stkCallback: {} } });
    expect(r.ok ? "" : r.problems[0]?.message).toContain("/stk/callback");
  });
});
