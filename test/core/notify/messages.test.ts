// Message texts: table-driven, with the characters that break Telegram formatting in names and descriptions.
import { describe, expect, test } from "bun:test";
import { formatAdminAlert, formatConflictAlert, formatReceipt, renderNotification } from "../../../src/core/notify/messages.ts";
import { escapeHtml, formatNairobiTime } from "../../../src/core/notify/html.ts";
import type { NotificationView, PaymentView } from "../../../src/core/notify/notification-view.ts";
import { failure, success } from "../../support/callbacks.ts";
import { htmlProblem } from "../../support/fake-telegram.ts";

const PAID_AT = new Date("2025-01-15T07:31:12Z"); // 10:31:12 in Nairobi
const payment = (over: Partial<PaymentView> = {}): PaymentView => ({
  checkoutRequestId: "ws_CO_1", status: "Success", resultCode: "0", resultDesc: "The service request is processed successfully.",
  amountCents: 150000, receipt: "RCP1234567", phone: "254712345678", paidAt: PAID_AT, supersededStatus: null, conflictCount: 0, ...over,
});
const view = (over: Partial<NotificationView> = {}): NotificationView => ({
  kind: "admin", eventKey: "status:Success", payment: payment(), trigger: null, accountReference: null, payerName: null, ...over,
});
const masked = { showPhone: false };

describe("escaping: names and descriptions with <, &, _, *, [", () => {
  test.each([
    ["<b>Amina</b>", "&lt;b&gt;Amina&lt;/b&gt;"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ["snake_case_name", "snake_case_name"],
    ["*bold* attempt", "*bold* attempt"],
    ["[link](http://x)", "[link](http://x)"],
    ["a<&>_*[", "a&lt;&amp;&gt;_*["],
    ["&amp; already", "&amp;amp; already"],
  ])("%j in a receipt greeting, an account and an alert", (name, escaped) => {
    const v = view({ kind: "receipt", payerName: name, accountReference: name });
    expect(formatReceipt(v)).toContain(`Hello ${escaped}, thank you`);
    expect(formatReceipt(v)).toContain(`For: ${escaped}`);
    const alert = formatAdminAlert(view({ eventKey: "status:Cancelled", accountReference: name, payment: payment({ resultDesc: name }) }), masked);
    expect(alert).toContain(`Account: ${escaped}`);
    for (const text of [formatReceipt(v), alert]) expect(htmlProblem(text)).toBeNull();
  });

  test("escapeHtml leaves nothing Telegram would parse", () => {
    expect(escapeHtml(`<script>&"'`)).toBe(`&lt;script&gt;&amp;"'`);
  });
});

describe("admin alerts", () => {
  test.each([
    ["success", "status:Success", success("ws_CO_1", "RCP1234567"), ["✅ Payment received", "Amount: <b>KES 1,500.00</b>", "Receipt: <code>RCP1234567</code>"]],
    ["cancelled", "status:Cancelled", failure("ws_CO_1", "1032", "Cancelled"), ["🚫 Payment cancelled by the customer", "Result: 1032 (code 1032)"]],
    ["timeout", "status:Timeout", failure("ws_CO_1", "1037", "Timeout"), ["⌛ Payment timed out", "Result: 1037"]],
    ["failed", "status:Failed", failure("ws_CO_1", "1", "Failed"), ["❌ Payment failed", "Result: 1 (code 1)"]],
    ["expired", "status:Expired", failure("ws_CO_1", "1019", "Expired"), ["⌛ Payment request expired"]],
    ["unknown", "status:Unknown", failure("ws_CO_1", "7777", "Unknown"), ["❓ Payment outcome unknown", "Result: 7777"]],
  ] as const)("%s", (_, eventKey, cb, expected) => {
    const text = formatAdminAlert(view({ eventKey, trigger: { outcome: "new", receivedAt: PAID_AT, callback: cb } }), masked);
    for (const part of expected) expect(text).toContain(part);
    expect(text).toContain("Checkout: <code>ws_CO_1</code>");
    expect(text).toContain("Time: 2025-01-15 10:31:12 EAT");
    expect(htmlProblem(text)).toBeNull();
  });

  test.each([
    ["masked by default", false, "Phone: 2547******78"],
    ["in full when configured", true, "Phone: 254712345678"],
  ])("phone %s", (_, showPhone, line) => {
    expect(formatAdminAlert(view(), { showPhone })).toContain(line);
  });

  test("the alert for an Unknown outcome says Unknown even after the payment moved on to Success", () => {
    const text = formatAdminAlert(view({ eventKey: "status:Unknown", trigger: { outcome: "new", receivedAt: PAID_AT, callback: failure("ws_CO_1", "7777", "Unknown") } }), masked);
    expect(text).toContain("Payment outcome unknown");
    expect(text).not.toContain("Payment received");
  });
});

describe("conflict alerts say what was stored and what arrived", () => {
  test("a late success", () => {
    const v = view({ kind: "conflict", eventKey: "conflict:1", payment: payment({ supersededStatus: "Cancelled", conflictCount: 1 }),
      trigger: { outcome: "late-success", receivedAt: PAID_AT, callback: success("ws_CO_1", "RCP1234567") } });
    const text = formatConflictAlert(v, masked);
    expect(text).toContain("Late success: money arrived after the payment was recorded as Cancelled");
    expect(text).toContain("Stored before: Cancelled");
    expect(text).toContain("Arrived: <b>Success</b>, result <code>0</code>");
    expect(text).toContain("processed successfully.), KES 1,500.00, receipt <code>RCP1234567</code>");
    expect(text).toContain("Conflicts on this payment: 1");
    expect(htmlProblem(text)).toBeNull();
  });

  test("a cancel after a success, with a description full of markup", () => {
    const cancel = { ...failure("ws_CO_1", "1032", "Cancelled"), resultDesc: "User <cancelled> & [left]_*" };
    const v = view({ kind: "conflict", eventKey: "conflict:3", payment: payment({ conflictCount: 5 }), trigger: { outcome: "conflict", receivedAt: PAID_AT, callback: cancel } });
    const text = renderNotification(v, masked);
    expect(text).toContain("Conflicting callback: the stored outcome is kept");
    expect(text).toContain("Stored: <b>Success</b>, result <code>0</code>");
    expect(text).toContain("Arrived: <b>Cancelled</b>, result <code>1032</code> (User &lt;cancelled&gt; &amp; [left]_*)");
    expect(text).not.toContain("Arrived: <b>Cancelled</b>, result <code>1032</code> (User &lt;cancelled&gt; &amp; [left]_*),");
    expect(text).toContain("Conflicts on this payment: 3"); // the event's count, not the row's later one
    expect(htmlProblem(text)).toBeNull();
  });
});

describe("receipts", () => {
  test.each([
    ["with a name and an account", { payerName: "Amina", accountReference: "INV-1" }, ["Hello Amina, thank you: we received <b>KES 1,500.00</b>.", "For: INV-1"]],
    ["without a name", {}, ["Thank you: we received <b>KES 1,500.00</b>."]],
  ] as const)("%s", (_, over, expected) => {
    const text = formatReceipt(view({ kind: "receipt", ...over }));
    for (const part of expected) expect(text).toContain(part);
    expect(text).toContain("M-Pesa receipt: <code>RCP1234567</code>");
    expect(text).toContain("Time: 2025-01-15 10:31:12 EAT");
    expect(text).not.toContain("2547"); // the payer's own number is not repeated
  });
});

test.each([
  ["2025-01-15T07:31:12Z", "2025-01-15 10:31:12 EAT"],
  ["2024-12-31T21:00:00Z", "2025-01-01 00:00:00 EAT"],
])("formatNairobiTime(%s)", (iso, expected) => {
  expect(formatNairobiTime(new Date(iso))).toBe(expected);
});

describe("Daraja's confirmation disagrees (confirm:<verdict>)", () => {
  test.each([
    ["confirm:mismatch", "Daraja's confirmation contradicts this payment"],
    ["confirm:unverifiable", "Daraja could not confirm this payment"],
  ])("%s: the headline, what Daraja said, the payment, no full phone", (eventKey, headline) => {
    const detail = "Daraja ResultCode 1032: Request <cancelled> by user.";
    const text = renderNotification(view({ kind: "conflict", eventKey, payment: payment({ verdict: "mismatch", verdictDetail: detail }) }), masked);
    expect(text.split("\n")[0]).toBe(`<b>⚠️ ${headline}</b>`);
    expect(text).toContain(`Daraja said: ${escapeHtml(detail)}`);
    expect(text).toContain("<code>RCP1234567</code>");
    expect(text).toContain("No receipt was sent to the payer");
    expect(text).not.toContain("254712345678");
    expect(htmlProblem(text)).toBeNull();
  });
});

describe("simulated payments never pass for real money", () => {
  const SIM_LINE = "<b>🧪 SIMULATED (mpesa-cb simulate): no real money moved</b>";
  test("an STK alert and receipt about a ws_CO_SIM… payment say so first", () => {
    const sim = payment({ checkoutRequestId: "ws_CO_SIMabcdefghijkl0", receipt: "SIMABCDEFGHIJKL0" });
    for (const v of [view({ payment: sim }), view({ kind: "receipt", payment: sim })]) {
      const text = renderNotification(v, masked);
      expect(text.split("\n")[0]).toBe(SIM_LINE);
      expect(htmlProblem(text)).toBeNull();
    }
  });

  test("a real payment's alert does not, even with a receipt that starts SIM (an M-Pesa receipt is 10 characters)", () => {
    const text = renderNotification(view({ payment: payment({ receipt: "SIM4K2L9QX" }) }), masked);
    expect(text).not.toContain("SIMULATED");
  });
});

describe("an outcome recovered by query (mpesa-cb reconcile)", () => {
  test.each([
    ["recovered:Success", "✅ Payment received", "🔎 Callback missing — recovered by query (Daraja's M-Pesa Express Query; it gives no receipt number)"],
    ["recovered:Cancelled", "🚫 Payment cancelled by the customer", "🔎 Callback missing — recovered by query (Daraja's M-Pesa Express Query)"],
  ])("%s: the outcome's headline, and that its callback never came", (eventKey, headline, line) => {
    const status = eventKey.slice("recovered:".length);
    const text = formatAdminAlert(view({ eventKey, payment: payment({ status, receipt: null }) }), masked);
    expect(text.split("\n").slice(0, 2)).toEqual([`<b>${headline}</b>`, escapeHtml(line)]);
    expect(text).not.toContain("Receipt");
  });

  test("a callback's alert says nothing of the kind", () => {
    expect(formatAdminAlert(view(), masked)).not.toContain("recovered by query");
  });
});
