// Result-family message texts, table-driven: each API's success, failures with Safaricom's reason, timeouts, unknown
// codes, late and conflicting results, B2C verdicts and the low-balance alert; phones masked unless configured, ids
// always shown, every text valid Telegram HTML.
import { describe, expect, test } from "bun:test";
import { renderNotification, type MessageOptions } from "../../../src/core/notify/messages.ts";
import type { ResultNotificationView, ResultView } from "../../../src/core/notify/notification-view.ts";
import { htmlProblem } from "../../support/fake-telegram.ts";

const DONE_AT = new Date("2025-01-15T09:30:45Z"); // 12:30:45 in Nairobi
const result = (over: Partial<ResultView> = {}): ResultView => ({
  api: "b2c", originatorConversationId: "myapp-b2c-000000000001", conversationId: "AG_20250115_0000fake0000000000001", transactionId: "FAKE0B2C01",
  resultCode: "0", resultDesc: "The service request is processed successfully.", status: "Success", supersededStatus: null, amountCents: 50000,
  creditParty: "254700000004 - TEST RECIPIENT", debitParty: null, completedAt: DONE_AT, parameters: {}, verdict: "matched", conflictCount: 0,
  lastConflictCode: null, ...over,
});
const view = (over: Partial<ResultNotificationView> = {}, r: Partial<ResultView> = {}): ResultNotificationView => ({
  family: "result", kind: "admin", eventKey: "status:Success", result: result(r), request: null, balances: [], lowBalance: null, ...over,
});
const masked = { showPhone: false };
const ask = { amountCents: 50000, phone: "254700000004", purpose: "refund <order 7> & co" };
const failed = (resultCode: string, api = "b2c") =>
  ({ api, status: "Failed", resultCode, resultDesc: `code ${resultCode}`, transactionId: "FAKE000000", amountCents: null, creditParty: null, completedAt: null, verdict: null });

function render(v: ResultNotificationView, options: MessageOptions = masked): string {
  const text = renderNotification(v, options);
  expect(htmlProblem(text)).toBeNull();
  return text;
}

function expectLines(text: string, expected: readonly string[]): void {
  for (const line of expected) expect(text.split("\n")).toContain(line);
}

const IDS = ["OriginatorConversationID: <code>myapp-b2c-000000000001</code>", "ConversationID: <code>AG_20250115_0000fake0000000000001</code>"];

describe("a result's outcome (status:<Status>)", () => {
  test("B2C payout sent: amount, receiver masked, receipt, time in Nairobi, our request and its check, the balances it reported", () => {
    const text = render(view({ request: ask, balances: [
      { accountType: "Utility Account", currency: "KES", availableCents: 9_850_000, reportedAt: DONE_AT },
      { accountType: "Charges Paid Account", currency: "KES", availableCents: -3300, reportedAt: DONE_AT },
    ] }));
    expect(text.split("\n")[0]).toBe("<b>💸 Payout sent</b>");
    expectLines(text, [
      "Amount: <b>KES 500.00</b>", "Receiver: 2547******04 - TEST RECIPIENT", "Receipt: <code>FAKE0B2C01</code>", "Completed: 2025-01-15 12:30:45 EAT",
      "Our request: KES 500.00 to 2547******04", "Purpose: refund &lt;order 7&gt; &amp; co", "Check: matches our request (b2c_requests)",
      "Utility Account: KES 98,500.00 available", "Charges Paid Account: KES -33.00 available", ...IDS,
    ]);
    expect(text).not.toContain("254700000004");
  });

  test("phones in full with MPESA_CB_ADMIN_SHOW_PHONE", () => {
    const text = render(view({ request: ask }), { showPhone: true });
    expectLines(text, ["Receiver: 254700000004 - TEST RECIPIENT", "Our request: KES 500.00 to 254700000004"]);
  });

  test.each([
    ["b2b", { creditParty: "600000 - TEST MERCHANT LTD" }, "<b>💼 Business payment sent</b>", ["Amount: <b>KES 500.00</b>", "Receiver: 600000 - TEST MERCHANT LTD", "Receipt: <code>FAKE0B2C01</code>"]],
    ["reversal", { transactionId: "FAKE0REV01", debitParty: "600000 - TEST MERCHANT LTD", creditParty: "254700000001 - TEST PAYER",
      parameters: { OriginalTransactionID: "FAKE0RCPT1", Charge: "0" } }, "<b>↩️ Reversal done</b>",
      ["Reversed transaction: <code>FAKE0RCPT1</code>", "From: 600000 - TEST MERCHANT LTD", "To: 2547******01 - TEST PAYER", "Reversal receipt: <code>FAKE0REV01</code>"]],
    ["status", { amountCents: 150000, debitParty: "254700000006 - TEST PAYER", creditParty: "600000 - TEST MERCHANT LTD",
      parameters: { TransactionStatus: "Completed", ReceiptNo: "FAKE0RCPT1", ReasonType: "Pay Bill Online", DebitPartyName: "254700000006 - TEST PAYER" } },
      "<b>🔎 Transaction status</b>",
      ["Transaction status: Completed", "Receipt: <code>FAKE0RCPT1</code>", "Amount: <b>KES 1,500.00</b>", "From: 2547******06 - TEST PAYER",
        "To: 600000 - TEST MERCHANT LTD", "Type: Pay Bill Online", "Finalised: 2025-01-15 12:30:45 EAT"]],
  ] as const)("%s success", (api, r, headline, expected) => {
    const text = render(view({}, { api, verdict: null, ...r }));
    expect(text.split("\n")[0]).toBe(headline);
    expectLines(text, [...expected, ...IDS]);
    expect(text).not.toContain("254700000006");
  });

  test("account balance: each account the result reported, what is available", () => {
    const text = render(view({ balances: [
      { accountType: "Working Account", currency: "KES", availableCents: 15_000_000, reportedAt: DONE_AT },
      { accountType: "Utility Account", currency: "KES", availableCents: 9_850_000, reportedAt: DONE_AT },
      { accountType: "Float Account", currency: "USD", availableCents: 12_50, reportedAt: DONE_AT },
    ] }, { api: "balance", amountCents: null, creditParty: null, verdict: null, transactionId: "FAKE000000" }));
    expect(text.split("\n")[0]).toBe("<b>🏦 Account balance</b>");
    expectLines(text, ["Working Account: KES 150,000.00 available", "Utility Account: KES 98,500.00 available", "Float Account: USD 12.50 available",
      "Reported: 2025-01-15 12:30:45 EAT", ...IDS]);
    expect(text).not.toContain("FAKE000000");
  });

  test.each([
    ["1", "b2c", "insufficient balance in the account it is paid from (B2C: the utility account): top it up"],
    ["2040", "b2c", "the receiver is not a registered M-Pesa customer"],
    ["2001", "b2c", "the initiator credentials are invalid (initiator name or security credential)"],
    ["8006", "b2c", "the security credential is locked"],
    ["SFC_IC0003", "b2c", "no such phone number or operator"],
    ["2", "b2c", "the amount is below the minimum allowed"],
    ["3", "b2c", "the amount is above the maximum allowed per transaction"],
    ["4", "b2c", "the daily transfer limit is reached"],
    ["8", "b2c", "the receiver's M-Pesa account would go above its maximum balance"],
    ["R000001", "reversal", "the transaction was already reversed"],
    ["R000002", "reversal", "the original transaction id is invalid"],
    ["17", "balance", "an internal error at Safaricom: ask again later"],
    ["100000011", "balance", "an internal error at Safaricom: ask again later"],
  ])("failure %s (%s): Safaricom's code and description, and what it means", (code, api, why) => {
    const text = render(view({ eventKey: "status:Failed" }, failed(code, api)));
    expectLines(text, [`Result: ${code} (code ${code})`, `Why: ${why}`, ...IDS]);
    expect(text).not.toContain("FAKE000000"); // the placeholder receipt of a failure is no receipt
  });

  test.each([
    ["b2c", "❌ Payout failed"], ["b2b", "❌ Business payment failed"], ["reversal", "❌ Reversal failed"],
    ["status", "❌ Transaction status query failed"], ["balance", "❌ Account balance query failed"],
  ])("%s failure headline", (api, headline) => {
    expect(render(view({ eventKey: "status:Failed" }, failed("2001", api))).split("\n")[0]).toBe(`<b>${headline}</b>`);
  });

  test("a failed payout names our request; a code without a known meaning gives no explanation", () => {
    const text = render(view({ eventKey: "status:Failed", request: ask }, failed("2006")));
    expectLines(text, ["Result: 2006 (code 2006)", "Why: the account's status does not allow it", "Our request: KES 500.00 to 2547******04"]);
    expect(render(view({ eventKey: "status:Failed" }, failed("9999")))).not.toContain("Why:");
  });

  test("a failed status query says nothing about the transaction it asked about", () => {
    expect(render(view({ eventKey: "status:Failed" }, failed("SFC_IC0003", "status")))).toContain("The query failed: it says nothing about the transaction it asked about");
  });

  test.each([
    ["b2c", "⏳ B2C payout request timed out in Safaricom's queue: outcome unknown", "Check with a transaction status query before paying again"],
    ["b2b", "⏳ B2B payment request timed out in Safaricom's queue: outcome unknown", "Check with a transaction status query before paying again"],
    ["reversal", "⏳ Reversal request timed out in Safaricom's queue: outcome unknown", "Check with a transaction status query before reversing again"],
    ["status", "⏳ Transaction status query timed out in Safaricom's queue: outcome unknown", "Send the query again"],
    ["balance", "⏳ Account balance query timed out in Safaricom's queue: outcome unknown", "Send the query again"],
  ])("%s timeout", (api, headline, advice) => {
    const text = render(view({ eventKey: "status:Timeout" },
      { api, status: "Timeout", resultCode: "1", resultDesc: "The service request has timed out.", transactionId: null, completedAt: null, verdict: null }));
    expect(text.split("\n").slice(0, 3)).toEqual([`<b>${headline}</b>`, advice, "Safaricom said: The service request has timed out."]);
    expect(text).not.toContain("insufficient balance"); // a timeout's code 1 is not a failure's
    expectLines(text, IDS);
  });

  test("a timeout that echoed the request: its amount and receiver, our request, only the OriginatorConversationID", () => {
    const text = render(view({ eventKey: "status:Timeout", request: ask }, { status: "Timeout", resultCode: null, resultDesc: null, transactionId: null,
      conversationId: null, creditParty: "254700000005", completedAt: null, verdict: null }));
    expectLines(text, ["Amount: <b>KES 500.00</b>", "Receiver: 2547******05", "Our request: KES 500.00 to 2547******04", IDS[0] ?? ""]);
    expect(text).not.toContain("ConversationID: <code>AG_");
    expect(text).not.toContain("Safaricom said");
  });

  test("a timeout alert sent after the result came: the result's code is shown as what is stored now, not as the timeout's", () => {
    const text = render(view({ eventKey: "status:Timeout" }, { supersededStatus: "Timeout" }));
    expect(text.split("\n").slice(0, 3)).toEqual([
      "<b>⏳ B2C payout request timed out in Safaricom's queue: outcome unknown</b>", "Check with a transaction status query before paying again",
      "Stored now: <b>Success</b>, result 0 (The service request is processed successfully.)",
    ]);
    expect(text).not.toContain("Safaricom said");
    expectLines(text, ["Amount: <b>KES 500.00</b>", ...IDS]);
  });

  test("an unknown-code alert sent after a result replaced it: not shown as the unknown code", () => {
    const text = render(view({ eventKey: "status:Unknown" }));
    expect(text.split("\n").slice(0, 2)).toEqual([
      "<b>❓ B2C payout request: result code unknown, reconcile it with a transaction status query</b>",
      "Stored now: <b>Success</b>, result 0 (The service request is processed successfully.)",
    ]);
    expect(text).not.toContain("Result:");
  });

  test("an unknown code: reconcile with a transaction status query", () => {
    const text = render(view({ eventKey: "status:Unknown" }, { status: "Unknown", resultCode: "7777", resultDesc: "Something new", verdict: null }));
    expect(text.split("\n")[0]).toBe("<b>❓ B2C payout request: result code unknown, reconcile it with a transaction status query</b>");
    expectLines(text, ["Result: 7777 (Something new)", "Amount: <b>KES 500.00</b>", ...IDS]);
    expect(text).not.toContain("Why:");
  });
});

describe("conflicts", () => {
  test("late result: the result won over the timeout, money may have moved after all", () => {
    const text = render(view({ kind: "conflict", eventKey: "late-result", request: ask }, { supersededStatus: "Timeout" }));
    expect(text.split("\n").slice(0, 3)).toEqual([
      "<b>⚠️ Late result: Success after a timeout — money may have moved after all</b>", "Request: B2C payout request", "Stored before: Timeout",
    ]);
    expectLines(text, ["Amount: <b>KES 500.00</b>", "Receipt: <code>FAKE0B2C01</code>",
      "If it was sent again after the timeout, it may have been paid twice: check before paying again", ...IDS]);
  });

  test("a late failure: no money moved, no money clause", () => {
    const text = render(view({ kind: "conflict", eventKey: "late-result" }, { ...failed("1"), supersededStatus: "Timeout" }));
    expect(text.split("\n")[0]).toBe("<b>⚠️ Late result: Failed after a timeout</b>");
    expect(text).not.toContain("paid twice");
  });

  test("late failure of a query: no money clause", () => {
    const text = render(view({ kind: "conflict", eventKey: "late-result" }, { ...failed("2001", "status"), supersededStatus: "Timeout" }));
    expect(text.split("\n")[0]).toBe("<b>⚠️ Late result: Failed after a timeout</b>");
    expectLines(text, ["Why: the initiator credentials are invalid (initiator name or security credential)"]);
  });

  test("conflict:<n>: the stored outcome is kept, the code that disagreed is named while it is the latest", () => {
    const latest = render(view({ kind: "conflict", eventKey: "conflict:2" }, { conflictCount: 2, lastConflictCode: "2040" }));
    expect(latest.split("\n")[0]).toBe("<b>⚠️ Conflicting callback for a B2C payout request: the stored outcome is kept</b>");
    expectLines(latest, ["Stored: <b>Success</b>, result 0 (The service request is processed successfully.)", "Arrived: result <code>2040</code>",
      "Conflicts on this request: 2", "Amount: <b>KES 500.00</b>", "Receiver: 2547******04 - TEST RECIPIENT", ...IDS]);
    const earlier = render(view({ kind: "conflict", eventKey: "conflict:1" }, { conflictCount: 2, lastConflictCode: "2040" }));
    expect(earlier).not.toContain("Arrived:");
    expectLines(earlier, ["Conflicts on this request: 1"]);
    // A timeout that echoed the request has no code: the store records its status.
    expectLines(render(view({ kind: "conflict", eventKey: "conflict:1" }, { conflictCount: 1, lastConflictCode: "Timeout" })), ["Arrived: <b>Timeout</b>"]);
  });

  test("verdict:mismatch: what was paid beside what we asked for, and what differs", () => {
    const text = render(view({ kind: "conflict", eventKey: "verdict:mismatch", request: { ...ask, amountCents: 40000 } }, { verdict: "mismatch" }));
    expect(text.split("\n")[0]).toBe("<b>⚠️ Payout does not match our request: check it</b>");
    expectLines(text, ["Paid: <b>KES 500.00</b> to 2547******04 - TEST RECIPIENT", "Requested: KES 400.00 to 2547******04", "Differs: amount",
      "Purpose: refund &lt;order 7&gt; &amp; co", "Receipt: <code>FAKE0B2C01</code>", ...IDS]);
    const phone = render(view({ kind: "conflict", eventKey: "verdict:mismatch", request: { ...ask, phone: "254711111104" } }, { verdict: "mismatch" }), { showPhone: true });
    expectLines(phone, ["Requested: KES 500.00 to 254711111104", "Differs: phone"]);
  });

  test("verdict:unsolicited: a payout we have no request for", () => {
    const text = render(view({ kind: "conflict", eventKey: "verdict:unsolicited" }, { verdict: "unsolicited" }));
    expect(text.split("\n").slice(0, 2)).toEqual([
      "<b>⚠️ Payout we have no request for</b>", "No b2c_requests row has its OriginatorConversationID: was it sent by other software with our credentials?",
    ]);
    expectLines(text, ["Paid: <b>KES 500.00</b> to 2547******04 - TEST RECIPIENT", "Completed: 2025-01-15 12:30:45 EAT", ...IDS]);
    expect(text).not.toContain("Requested:");
  });
});

describe("low balance", () => {
  const utility = { accountType: "Utility Account", currency: "KES", availableCents: 9_850_000, reportedAt: DONE_AT };
  test("the balance the result reported, the threshold when configured", () => {
    const text = render(view({ eventKey: "low-balance:Utility:1", balances: [utility],
      lowBalance: { accountType: "Utility Account", availableCents: 1, updatedAt: new Date("2025-01-16T00:00:00Z") } }), { showPhone: false, lowBalanceCents: 10_000_000 });
    expect(text.split("\n").slice(0, 4)).toEqual([
      "<b>🔻 B2C Utility account below KES 100,000.00</b>", "Available: <b>KES 98,500.00</b>", "Time: 2025-01-15 12:30:45 EAT",
      "Payouts are drawn from it: top it up before they fail (result code 1)",
    ]);
    expectLines(text, ["Reported by: the result of a B2C payout request", ...IDS]);
  });

  test("without the result's balance row: the low-balance state; without a threshold: the balance only", () => {
    const text = render(view({ eventKey: "low-balance:Working:3", balances: [utility],
      lowBalance: { accountType: "Working Account", availableCents: 120_000, updatedAt: new Date("2025-01-16T00:00:00Z") } }, { api: "balance", completedAt: null }));
    expect(text.split("\n").slice(0, 3)).toEqual(["<b>🔻 B2C Working account balance is low</b>", "Available: <b>KES 1,200.00</b>", "Time: 2025-01-16 03:00:00 EAT"]);
    expect(text).not.toContain("top it up");
    expectLines(text, ["Reported by: the result of an account balance query"]);
  });
});

describe("never a receipt, never a secret", () => {
  test("a receipt row for a result is refused (the worker records it failed), not sent to a payer", () => {
    expect(() => renderNotification(view({ kind: "receipt" }), masked)).toThrow("results send no receipts");
  });

  test("parameters beyond the few each API names are not shown", () => {
    const text = render(view({}, { parameters: { SecurityCredential: "c2VjcmV0", InitiatorName: "apiop", B2CRecipientIsRegisteredCustomer: "Y" } }));
    for (const hidden of ["c2VjcmV0", "apiop", "B2CRecipientIsRegisteredCustomer"]) expect(text).not.toContain(hidden);
  });

  test.each([["<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"], ["Tom & Jerry", "Tom &amp; Jerry"]])("Safaricom's text %j is escaped", (raw, escaped) => {
    const text = render(view({ eventKey: "status:Failed" }, { ...failed("2040"), resultDesc: raw, creditParty: `254700000004 - ${raw}` }));
    expectLines(text, [`Result: 2040 (${escaped})`, `Receiver: 2547******04 - ${escaped}`]);
  });
});

test("a result simulate made (OriginatorConversationID SIM-…) says so first", () => {
  expect(render(view({}, { originatorConversationId: "SIM-abcdefghijkl-0" })).split("\n")[0]).toBe("<b>🧪 SIMULATED (mpesa-cb simulate): no real money moved</b>");
  expect(render(view())).not.toContain("SIMULATED (mpesa-cb simulate)");
});
