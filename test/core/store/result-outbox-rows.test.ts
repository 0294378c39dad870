// Result-family outbox rows as the worker claims them: each loads as a result view with its daraja_results row, the
// B2C request it answers, the balances it reported and the low-balance state it alerts about, beside STK and C2B rows
// (SQLite and MariaDB). Before issue 12 such a row was left out of every claim and claimed again forever.
import { describe, expect, test } from "bun:test";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";
import type { ResultNotificationView } from "../../../src/core/notify/notification-view.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { item, success, uniqueId } from "../../support/callbacks.ts";
import { c2bEvent, insertC2bPayment, queueC2bEvents, uniqueReceipt } from "./c2b-rows.ts";
import { insertB2cRequest, insertBalance, insertResult, queueResultEvents, setLowBalance, uniqueOriginatorId } from "./result-rows.ts";

const ADMIN = "-100777";
const DONE_AT = new Date("2025-01-15T09:30:45Z");

describe.each(await testDialects())("Result-family outbox rows on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  let owner = 0;

  // Claims every due row for a fresh owner; the rows stay claimed (a later claim does not see them).
  const claim = async () => createOutboxQueue(suite.db).claim(`test-${owner++}`, 50, 60_000);
  const resultViews = (claimed: Awaited<ReturnType<typeof claim>>) =>
    claimed.flatMap((c) => (c.view.family === "result" ? [c.view] : []));

  test("claimed beside STK and C2B rows: a payout with its request and balances, each in id order, each claimed once", async () => {
    const originator = uniqueOriginatorId();
    const payout = await insertResult(suite.db, { originatorConversationId: originator, verdict: "matched",
      parameters: { TransactionAmount: "500", TransactionReceipt: "FAKE0B2C01", B2CRecipientIsRegisteredCustomer: "Y" } });
    await insertB2cRequest(suite.db, originator, "500.00", "254700000004", "refund 7");
    await insertBalance(suite.db, payout, "Utility Account", 9_850_000);
    await insertBalance(suite.db, payout, "Working Account", 15_000_000);
    const other = await insertResult(suite.db, { verdict: "unsolicited" });
    await insertBalance(suite.db, other, "Utility Account", 1); // another result's: not this one's
    const receipt = uniqueReceipt();
    await insertC2bPayment(suite.db, { transId: receipt });
    await queueResultEvents(suite.db, [{ resultId: payout, kind: "admin", eventKey: "status:Success", chat: ADMIN }]);
    await queueC2bEvents(suite.db, [c2bEvent(receipt, "admin", ADMIN)]);
    await createCallbackStore(suite.db, { notify: { adminChatId: ADMIN, receipts: false } }).writeBatch([item(success(uniqueId(), uniqueReceipt()))]);
    await queueResultEvents(suite.db, [{ resultId: other, kind: "conflict", eventKey: "verdict:unsolicited", chat: ADMIN }]);

    const claimed = await claim();
    expect(claimed.map((c) => `${c.view.family ?? "stk"} ${c.view.kind} ${c.view.eventKey} ${c.recipient} ${c.attempts}`)).toEqual([
      `result admin status:Success ${ADMIN} 0`, `c2b admin status:Paid ${ADMIN} 0`, `stk admin status:Success ${ADMIN} 0`,
      `result conflict verdict:unsolicited ${ADMIN} 0`,
    ]);
    const [sent, unsolicited] = resultViews(claimed);
    expect(sent).toEqual({
      family: "result", kind: "admin", eventKey: "status:Success",
      result: {
        api: "b2c", originatorConversationId: originator, conversationId: `AG_${originator}`, transactionId: "FAKE0B2C01", resultCode: "0",
        resultDesc: "The service request is processed successfully.", status: "Success", supersededStatus: null, amountCents: 50000,
        creditParty: "254700000004 - TEST RECIPIENT", debitParty: null, completedAt: DONE_AT,
        parameters: { TransactionAmount: "500", TransactionReceipt: "FAKE0B2C01", B2CRecipientIsRegisteredCustomer: "Y" },
        verdict: "matched", conflictCount: 0, lastConflictCode: null,
      },
      request: { amountCents: 50000, phone: "254700000004", purpose: "refund 7" },
      balances: [
        { accountType: "Utility Account", currency: "KES", availableCents: 9_850_000, reportedAt: DONE_AT },
        { accountType: "Working Account", currency: "KES", availableCents: 15_000_000, reportedAt: DONE_AT },
      ],
      lowBalance: null,
    } satisfies ResultNotificationView);
    expect(unsolicited?.request).toBeNull();
    expect(unsolicited?.balances).toEqual([{ accountType: "Utility Account", currency: "KES", availableCents: 1, reportedAt: DONE_AT }]);
    expect(await claim()).toEqual([]); // claimed, not left out and claimed again
  });

  test("a timeout that echoed the request, a late result, a conflict: the row's state as stored", async () => {
    const echo = await insertResult(suite.db, { conversationId: null, transactionId: null, resultCode: null, resultDesc: null, status: "Timeout",
      creditParty: "254700000005", debitParty: "600000", completedAt: null, parameters: { CommandID: "BusinessPayment", Amount: "500" } });
    const late = await insertResult(suite.db, { api: "reversal", status: "Failed", resultCode: "R000002", resultDesc: "The OriginalTransactionID is invalid.",
      supersededStatus: "Timeout", amount: null, creditParty: null, parameters: null });
    const conflicted = await insertResult(suite.db, { api: "b2b", conflictCount: 2, lastConflictCode: "2001" });
    await queueResultEvents(suite.db, [
      { resultId: echo, kind: "admin", eventKey: "status:Timeout", chat: ADMIN },
      { resultId: late, kind: "conflict", eventKey: "late-result", chat: ADMIN },
      { resultId: conflicted, kind: "conflict", eventKey: "conflict:2", chat: ADMIN },
    ]);
    const [timeout, lateResult, conflict] = resultViews(await claim());
    expect(timeout?.result).toMatchObject({ status: "Timeout", conversationId: null, resultCode: null, completedAt: null, amountCents: 50000,
      creditParty: "254700000005", debitParty: "600000", parameters: { CommandID: "BusinessPayment", Amount: "500" } });
    expect(lateResult?.result).toMatchObject({ api: "reversal", status: "Failed", resultCode: "R000002", supersededStatus: "Timeout", amountCents: null, parameters: {} });
    expect(conflict?.result).toMatchObject({ api: "b2b", conflictCount: 2, lastConflictCode: "2001" });
    expect([timeout?.request, lateResult?.request, conflict?.request]).toEqual([null, null, null]);
  });

  test("a low-balance alert reads the account's state; a request is looked up for B2C results only", async () => {
    const balance = await insertResult(suite.db, { api: "balance", originatorConversationId: uniqueOriginatorId("bal"), amount: null, creditParty: null,
      parameters: { AccountBalance: "Utility Account|KES|1200.00|1200.00|0.00|0.00", BOCompletedTime: "20250115123045" } });
    await insertBalance(suite.db, balance, "Utility Account", 120_000);
    await setLowBalance(suite.db, "Utility Account", 120_000, 4);
    await setLowBalance(suite.db, "Working Account", 5, 1);
    const statusId = uniqueOriginatorId("status");
    const status = await insertResult(suite.db, { api: "status", originatorConversationId: statusId });
    await insertB2cRequest(suite.db, statusId, "1.00", "254700000009", null); // same id, another API: not its request
    await queueResultEvents(suite.db, [
      { resultId: balance, kind: "admin", eventKey: "low-balance:Utility:4", chat: ADMIN },
      { resultId: balance, kind: "admin", eventKey: "status:Success", chat: ADMIN },
      { resultId: status, kind: "admin", eventKey: "status:Success", chat: ADMIN },
    ]);
    const [low, reported, statusView] = resultViews(await claim());
    expect(low?.lowBalance).toEqual({ accountType: "Utility Account", availableCents: 120_000, updatedAt: new Date("2025-01-16T00:00:00Z") });
    expect(low?.balances).toEqual([{ accountType: "Utility Account", currency: "KES", availableCents: 120_000, reportedAt: DONE_AT }]);
    expect(reported?.lowBalance).toBeNull(); // only a low-balance alert reads the state
    expect(statusView?.request).toBeNull();
  });

  test("parameters the store did not write as a JSON object of strings: numbers as text, anything else as none", async () => {
    const numbers = await insertResult(suite.db, { parameters: '{"TransactionAmount":500,"Nested":{"a":1},"Flag":true,"Text":"x"}' });
    const broken = await insertResult(suite.db, { parameters: "{not json" });
    const list = await insertResult(suite.db, { parameters: '["a","b"]' });
    await queueResultEvents(suite.db, [numbers, broken, list].map((resultId) => ({ resultId, kind: "admin" as const, eventKey: "status:Success", chat: ADMIN })));
    expect(resultViews(await claim()).map((v) => v.result.parameters)).toEqual([{ TransactionAmount: "500", Text: "x" }, {}, {}]);
  });

  test("a row whose result is not stored is left out, as a payment's is", async () => {
    await queueResultEvents(suite.db, [{ resultId: 987_654_321, kind: "admin", eventKey: "status:Success", chat: ADMIN }]);
    expect(await claim()).toEqual([]);
  });
});
