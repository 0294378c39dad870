// Result-family alerts end to end: rows queued about daraja_results rows are claimed by the real notifier, rendered and
// delivered with the real node-telegram-bot-api to the fake Bot API; each is sent once and recorded. Last, every fixture
// through the real result store: each alert it queues loads and renders (SQLite and MariaDB).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testDialects } from "../../support/databases.ts";
import { ADMIN_CHAT, OutboxBench } from "../../support/outbox.ts";
import { htmlProblem } from "../../support/fake-telegram.ts";
import { insertB2cRequest, insertBalance, insertResult, queueResultEvents, setLowBalance, uniqueOriginatorId } from "../store/result-rows.ts";
import { keyed, uniqueKey } from "../store/result-items.ts";
import { createResultStore } from "../../../src/core/store/result-store.ts";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";
import { renderNotification } from "../../../src/core/notify/messages.ts";

describe.each(await testDialects())("Result-family notifications on %s", (dialect) => {
  let bench: OutboxBench;
  beforeAll(async () => {
    bench = await OutboxBench.open(dialect);
  });
  afterAll(async () => {
    await bench.close();
  });

  const deliveredAbout = (id: string) => bench.fake.deliveredTo(ADMIN_CHAT).filter((d) => d.text.includes(id));

  test("a payout sent, a payout failed with Safaricom's reason, and a low balance reach the admin once each", async () => {
    const before = (await bench.rows()).length;
    const [paid, refused] = [uniqueOriginatorId(), uniqueOriginatorId()];
    const sent = await insertResult(bench.db, { originatorConversationId: paid, verdict: "matched" });
    await insertB2cRequest(bench.db, paid, "500.00", "254700000004", "seller payout <7>");
    await insertBalance(bench.db, sent, "Utility Account", 120_000);
    await setLowBalance(bench.db, "Utility Account", 120_000, 1);
    const failed = await insertResult(bench.db, { originatorConversationId: refused, transactionId: "FAKE000000", resultCode: "2040", status: "Failed",
      resultDesc: "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.", amount: null, creditParty: null,
      completedAt: null, parameters: null });
    await queueResultEvents(bench.db, [
      { resultId: sent, kind: "admin", eventKey: "status:Success", chat: ADMIN_CHAT },
      { resultId: sent, kind: "admin", eventKey: "low-balance:Utility:1", chat: ADMIN_CHAT },
      { resultId: failed, kind: "admin", eventKey: "status:Failed", chat: ADMIN_CHAT },
    ]);
    await bench.startNotifier();
    const rows = (await bench.settle(before + 3)).slice(before);
    expect(rows.map((r) => `${r.kind} ${r.recipient} ${r.status} ${r.attempts}`)).toEqual(Array(3).fill(`admin ${ADMIN_CHAT} sent 1`));

    const ids = (originator: string) => [`OriginatorConversationID: <code>${originator}</code>`, `ConversationID: <code>AG_${originator}</code>`];
    // A claim's rows are sent concurrently: the rows (in id order) hold what was sent, the fake what it received.
    expect(rows.map((r) => r.message)).toEqual([
      [
        "<b>💸 Payout sent</b>", "Amount: <b>KES 500.00</b>", "Receiver: 2547******04 - TEST RECIPIENT", "Receipt: <code>FAKE0B2C01</code>",
        "Completed: 2025-01-15 12:30:45 EAT", "Our request: KES 500.00 to 2547******04", "Purpose: seller payout &lt;7&gt;",
        "Check: matches our request (b2c_requests)", "Utility Account: KES 1,200.00 available", ...ids(paid),
      ].join("\n"),
      // The notifier is not given the threshold here: the balance alone.
      [
        "<b>🔻 B2C Utility account balance is low</b>", "Available: <b>KES 1,200.00</b>", "Time: 2025-01-15 12:30:45 EAT",
        "Payouts are drawn from it: top it up before they fail (result code 1)", "Reported by: the result of a B2C payout request", ...ids(paid),
      ].join("\n"),
      [
        "<b>❌ Payout failed</b>", "Result: 2040 (Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.)",
        "Why: the receiver is not a registered M-Pesa customer", ...ids(refused),
      ].join("\n"),
    ]);
    const delivered = [...deliveredAbout(paid), ...deliveredAbout(refused)];
    expect(delivered.map((d) => d.text).sort()).toEqual(rows.map((r) => r.message ?? "").sort());
    for (const d of delivered) {
      expect(d.parseMode).toBe("HTML");
      expect(htmlProblem(d.text)).toBeNull();
    }
  }, 60_000);

  test("a timeout and the late result after it: an alert for each, and the late one says money may have moved", async () => {
    const before = (await bench.rows()).length;
    const originator = uniqueOriginatorId();
    const row = await insertResult(bench.db, { originatorConversationId: originator, supersededStatus: "Timeout" });
    await queueResultEvents(bench.db, [
      { resultId: row, kind: "admin", eventKey: "status:Timeout", chat: ADMIN_CHAT },
      { resultId: row, kind: "admin", eventKey: "status:Success", chat: ADMIN_CHAT },
      { resultId: row, kind: "conflict", eventKey: "late-result", chat: ADMIN_CHAT },
    ]);
    await bench.startNotifier();
    const rows = (await bench.settle(before + 3)).slice(before);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    const firstLines = rows.map((r) => r.message?.split("\n")[0]);
    expect(firstLines).toEqual([
      "<b>⏳ B2C payout request timed out in Safaricom's queue: outcome unknown</b>",
      "<b>💸 Payout sent</b>",
      "<b>⚠️ Late result: Success after a timeout — money may have moved after all</b>",
    ]);
    expect(deliveredAbout(originator)).toHaveLength(3);
  }, 60_000);

  test("a receipt row about a result is failed at once (no payer receipts for results), not retried", async () => {
    const before = (await bench.rows()).length;
    const row = await insertResult(bench.db);
    const deliveriesBefore = bench.fake.deliveredTo("63003").length;
    await queueResultEvents(bench.db, [{ resultId: row, kind: "receipt", eventKey: "status:Success", chat: "63003" }]);
    await bench.startNotifier();
    const [failed] = (await bench.settle(before + 1)).slice(before);
    expect(failed).toMatchObject({ kind: "receipt", status: "failed", attempts: 1, message: null });
    expect(failed?.error).toContain("cannot render the message: results send no receipts");
    expect(bench.fake.deliveredTo("63003")).toHaveLength(deliveriesBefore);
  }, 60_000);

  test("every alert the result store queues for the fixtures loads and renders: headlines, ids, no full phone number", async () => {
    await bench.db.sequelize.query("DELETE FROM low_balance_state"); // the first test left the utility account below
    const store = createResultStore(bench.db, { notify: { adminChatId: ADMIN_CHAT, receipts: true }, lowBalanceCents: 10_000_000 });
    // One row per fixture, each under a fresh key; the payout has a request of ours for another amount.
    const fixtures = {
      paid: "b2c_result_success", unsolicited: "b2c_result_success", failed2040: "b2c_result_failure_2040_unregistered", timedOut: "b2c_queue_timeout",
      echoed: "b2c_queue_timeout_request_echo", status: "transaction_status_result", balance: "account_balance_result", reversal: "reversal_result",
      refused: "reversal_result_failure_R000002",
    } as const;
    const keys = Object.fromEntries(Object.keys(fixtures).map((name) => [name, uniqueKey()])) as Record<keyof typeof fixtures, string>;
    await insertB2cRequest(bench.db, keys.paid, "400.00", "254700000004", "seller payout");
    for (const [name, fixture] of Object.entries(fixtures)) await store.writeBatch([keyed(fixture, keys[name as keyof typeof fixtures])]);
    expect(await store.writeBatch([keyed("b2c_result_success", keys.timedOut)])).toEqual(["late-result"]);

    const claimed = await createOutboxQueue(bench.db).claim("fixtures", 100, 60_000);
    const texts = claimed.map((c) => renderNotification(c.view, { showPhone: false, lowBalanceCents: 10_000_000 }));
    // Each row's texts, in id order (the order the store queued them).
    const textsOf = (key: string) =>
      texts.filter((_, i) => { const v = claimed[i]?.view; return v?.family === "result" && v.result.originatorConversationId === key; });
    const headlines = (key: string) => textsOf(key).map((t) => t.split("\n")[0]);
    expect(headlines(keys.paid)).toEqual(["<b>💸 Payout sent</b>", "<b>⚠️ Payout does not match our request: check it</b>", "<b>🔻 B2C Utility account below KES 100,000.00</b>"]);
    expect(headlines(keys.unsolicited)).toEqual(["<b>💸 Payout sent</b>", "<b>⚠️ Payout we have no request for</b>"]);
    expect(headlines(keys.failed2040)).toEqual(["<b>❌ Payout failed</b>"]);
    expect(headlines(keys.timedOut)).toEqual([
      "<b>⏳ B2C payout request timed out in Safaricom's queue: outcome unknown</b>",
      "<b>⚠️ Late result: Success after a timeout — money may have moved after all</b>", "<b>⚠️ Payout we have no request for</b>",
    ]);
    expect(headlines(keys.echoed)).toEqual(["<b>⏳ B2C payout request timed out in Safaricom's queue: outcome unknown</b>"]);
    expect(headlines(keys.status)).toEqual(["<b>🔎 Transaction status</b>"]);
    expect(headlines(keys.balance)).toEqual(["<b>🏦 Account balance</b>"]);
    expect(headlines(keys.reversal)).toEqual(["<b>↩️ Reversal done</b>"]);
    expect(headlines(keys.refused)).toEqual(["<b>❌ Reversal failed</b>"]);
    expect(claimed).toHaveLength(14);

    const text = (key: string, n = 0) => textsOf(key)[n] ?? "";
    expect(text(keys.paid)).toContain("Receiver: 2547******04 - TEST RECIPIENT");
    expect(text(keys.paid)).toContain("Check: DOES NOT MATCH our request (amount or phone): check it");
    expect(text(keys.paid, 1)).toContain("Requested: KES 400.00 to 2547******04");
    expect(text(keys.paid, 2)).toContain("Available: <b>KES 98,500.00</b>");
    expect(text(keys.failed2040)).toContain("Why: the receiver is not a registered M-Pesa customer");
    expect(text(keys.status)).toContain("From: 2547******06 - TEST PAYER");
    expect(text(keys.balance)).toContain("Utility Account: KES 98,500.00 available");
    expect(text(keys.reversal)).toContain("Reversed transaction: <code>FAKE0RCPT1</code>");
    expect(text(keys.refused)).toContain("Why: the original transaction id is invalid");
    expect(text(keys.echoed)).toContain("Receiver: 2547******05");
    for (const [i, t] of texts.entries()) {
      expect(htmlProblem(t)).toBeNull();
      expect(t).not.toMatch(/2547000000\d\d/);
      const v = claimed[i]?.view;
      if (v?.family === "result") expect(t).toContain(`OriginatorConversationID: <code>${v.result.originatorConversationId}</code>`);
    }
    await createOutboxQueue(bench.db).release(claimed.map((c) => c.id), "fixtures");
    await bench.startNotifier();
    await bench.settle((await bench.rows()).length);
  }, 60_000);
});
