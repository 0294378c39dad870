// C2B message texts, table-driven: headline by transaction type, the phone by how Safaricom sent it, the linked STK
// payment, the validation-rejected alert, the payer's receipt; every text valid Telegram HTML.
import { describe, expect, test } from "bun:test";
import { formatReceipt, renderNotification } from "../../../src/core/notify/messages.ts";
import type { C2bNotificationView, C2bPaymentView } from "../../../src/core/notify/notification-view.ts";
import { htmlProblem } from "../../support/fake-telegram.ts";

const PAID_AT = new Date("2025-01-15T07:31:12Z"); // 10:31:12 in Nairobi
const payment = (over: Partial<C2bPaymentView> = {}): C2bPaymentView => ({
  transId: "TAB12CD34E", transactionType: "Pay Bill", status: "Paid", amountCents: 150000, billRefNumber: "INV-7",
  businessShortCode: "600984", msisdn: "254712345678", msisdnKind: "plain", firstName: "Amina", paidAt: PAID_AT, checkoutRequestId: null, ...over,
});
const view = (over: Partial<C2bNotificationView> = {}, p: Partial<C2bPaymentView> = {}): C2bNotificationView => ({
  family: "c2b", kind: "admin", eventKey: "status:Paid", payment: payment(p), validation: null, payerName: null, ...over,
});
const masked = { showPhone: false };
const HASH = "b6a0fb3b8a7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e";

describe("C2B admin alert", () => {
  test.each([
    ["Pay Bill", "✅ PayBill payment received"],
    ["Buy Goods", "✅ Till payment received"],
    [null, "✅ M-Pesa payment received"],
    ["Something New", "✅ M-Pesa payment received"],
  ])("transaction type %j: %s", (transactionType, headline) => {
    expect(renderNotification(view({}, { transactionType }), masked).split("\n")[0]).toBe(`<b>${headline}</b>`);
  });

  test("amount, receipt, account, payer, time in Nairobi, short code", () => {
    const text = renderNotification(view(), masked);
    for (const line of ["Amount: <b>KES 1,500.00</b>", "Receipt: <code>TAB12CD34E</code>", "Account: INV-7", "Paid by: Amina",
      "Time: 2025-01-15 10:31:12 EAT", "Short code: 600984"]) expect(text).toContain(line);
    expect(text).not.toContain("Linked STK payment");
    expect(htmlProblem(text)).toBeNull();
  });

  test.each([
    ["plain, masked by default", { msisdn: "254712345678", msisdnKind: "plain" }, masked, "Phone: 2547******78"],
    ["plain, shown with MPESA_CB_ADMIN_SHOW_PHONE", { msisdn: "254712345678", msisdnKind: "plain" }, { showPhone: true }, "Phone: 254712345678"],
    ["masked by Safaricom: as sent", { msisdn: "2547 ***** 126", msisdnKind: "masked" }, masked, "Phone: 2547 ***** 126"],
    ["masked by Safaricom, also with show-phone", { msisdn: "2547 ***** 126", msisdnKind: "masked" }, { showPhone: true }, "Phone: 2547 ***** 126"],
    ["hashed", { msisdn: HASH, msisdnKind: "hashed" }, { showPhone: true }, "Phone: hidden by Safaricom"],
  ] as const)("phone %s", (_, p, options, line) => {
    const text = renderNotification(view({}, p), options);
    expect(text).toContain(line);
    if (p.msisdnKind === "hashed") expect(text).not.toContain(HASH);
  });

  test("no phone sent: no phone line", () => {
    expect(renderNotification(view({}, { msisdn: null, msisdnKind: null }), masked)).not.toContain("Phone:");
  });

  test("linked to an STK payment with the same receipt", () => {
    const text = renderNotification(view({}, { checkoutRequestId: "ws_CO_<1>&" }), masked);
    expect(text).toContain("Linked STK payment: <code>ws_CO_&lt;1&gt;&amp;</code>");
    expect(htmlProblem(text)).toBeNull();
  });

  test("no usable amount: says so, and asks to reconcile", () => {
    const text = renderNotification(view({ eventKey: "status:Unknown" }, { status: "Unknown", amountCents: null }), masked);
    expect(text.split("\n")[0]).toBe("<b>❓ PayBill payment without a usable amount: reconcile it with M-Pesa</b>");
    expect(text).not.toContain("Amount:");
    expect(text).toContain("Receipt: <code>TAB12CD34E</code>");
  });

  test.each([
    ["<b>Amina</b>", "&lt;b&gt;Amina&lt;/b&gt;"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ["a<&>_*[", "a&lt;&amp;&gt;_*["],
  ])("names and accounts %j are escaped", (text, escaped) => {
    const alert = renderNotification(view({}, { firstName: text, billRefNumber: text, transactionType: text }), masked);
    expect(alert).toContain(`Paid by: ${escaped}`);
    expect(alert).toContain(`Account: ${escaped}`);
    expect(htmlProblem(alert)).toBeNull();
  });
});

describe("C2B validation-rejected alert", () => {
  test.each([
    [{ resultCode: "C2B00012", rule: "account-pattern", fallback: false }, "Our answer: rejected with C2B00012 (rule: account-pattern)"],
    [{ resultCode: "C2B00013", rule: "amount-max", fallback: false }, "Our answer: rejected with C2B00013 (rule: amount-max)"],
    [{ resultCode: "C2B00012", rule: "known-account", fallback: true }, "Our answer: rejected with C2B00012 (rule: known-account; the database did not answer in time: the fallback answered)"],
    [null, "Our answer: rejected (the validation record was not found)"],
  ] as const)("%j", (validation, line) => {
    const text = renderNotification(view({ kind: "conflict", eventKey: "validation-rejected", validation }, { checkoutRequestId: "ws_CO_9" }), masked);
    const lines = text.split("\n");
    expect(lines[0]).toBe("<b>⚠️ Paid although our validation rejected it</b>");
    expect(text).toContain(line);
    for (const l of ["Amount: <b>KES 1,500.00</b>", "Receipt: <code>TAB12CD34E</code>", "Account: INV-7", "Phone: 2547******78", "Linked STK payment: <code>ws_CO_9</code>"]) {
      expect(text).toContain(l);
    }
    expect(htmlProblem(text)).toBeNull();
  });
});

describe("C2B receipt to the payer", () => {
  test.each([
    ["the user's name", { payerName: "Amina" }, {}, "Hello Amina, thank you: we received <b>KES 1,500.00</b>."],
    ["else Safaricom's name", { payerName: null }, { firstName: "JOHN" }, "Hello JOHN, thank you: we received <b>KES 1,500.00</b>."],
    ["no name", { payerName: null }, { firstName: null }, "Thank you: we received <b>KES 1,500.00</b>."],
    ["escaped", { payerName: "<i>A&B</i>" }, {}, "Hello &lt;i&gt;A&amp;B&lt;/i&gt;, thank you"],
  ] as const)("%s", (_, over, p, line) => {
    const v = view({ kind: "receipt", ...over }, p);
    const text = renderNotification(v, masked);
    expect(text).toBe(formatReceipt(v));
    expect(text.split("\n")[0]).toBe("<b>✅ Payment received</b>");
    expect(text).toContain(line);
    for (const l of ["M-Pesa receipt: <code>TAB12CD34E</code>", "For: INV-7", "Time: 2025-01-15 10:31:12 EAT"]) expect(text).toContain(l);
    expect(text).not.toContain("2547"); // no phone number in a receipt
    expect(htmlProblem(text)).toBeNull();
  });
});

test("a payment simulate made (TransID SIM + run tag) says so first, in the alert and the receipt", () => {
  for (const v of [view({}, { transId: "SIMABCDEFGHIJKL7" }), view({ kind: "receipt" }, { transId: "SIMABCDEFGHIJKL7" })]) {
    const text = renderNotification(v, masked);
    expect(text.split("\n")[0]).toBe("<b>🧪 SIMULATED (mpesa-cb simulate): no real money moved</b>");
    expect(htmlProblem(text)).toBeNull();
  }
  expect(renderNotification(view(), masked)).not.toContain("SIMULATED");
});
