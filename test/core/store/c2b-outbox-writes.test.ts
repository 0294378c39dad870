// C2B outbox rows (c2bOutboxStatements), and one admin alert and one receipt per M-Pesa receipt across the STK and
// C2B families, whichever arrives first, also from two transactions at once (SQLite and MariaDB).
import { beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes, type Transaction } from "sequelize";
import { openDatabase } from "../../../src/core/store/database.ts";
import { createCallbackStore, type CallbackStore } from "../../../src/core/store/callback-store.ts";
import { c2bOutboxStatements } from "../../../src/core/store/c2b-outbox-sql.ts";
import { outboxStatements } from "../../../src/core/store/outbox-sql.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";
import { waitFor } from "../../support/outbox.ts";
import { c2bEvent, insertC2bPayment, queueC2bEvents, uniqueReceipt } from "./c2b-rows.ts";

const ADMIN = "-100888";
const notify = { adminChatId: ADMIN, receipts: true };

describe.each(await testDialects())("C2B outbox rows on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  let store: CallbackStore;
  let chat = 7_000_000;

  beforeAll(async () => {
    store = createCallbackStore(suite.db, { notify });
  });

  // Every row about a receipt, from either family: `family kind recipient event_key payment_receipt`.
  const rowsFor = async (receipt: string) =>
    (await suite.db.sequelize.query<Record<string, unknown>>(
      `SELECT CASE WHEN n.c2b_payment_id IS NULL THEN 'stk' ELSE 'c2b' END AS family, n.notification_type, n.recipient, n.event_key, n.payment_receipt
       FROM notifications n LEFT JOIN transactions t ON t.id = n.transaction_id LEFT JOIN c2b_payments c ON c.id = n.c2b_payment_id
       WHERE t.mpesa_receipt_number = ? OR c.trans_id = ?`,
      { replacements: [receipt, receipt], type: QueryTypes.SELECT },
    )).map((r) => `${r.family} ${r.notification_type} ${r.recipient} ${r.event_key} ${r.payment_receipt}`).sort();
  const addPayer = async (): Promise<{ chat: string; phone: string }> => {
    const c = String(++chat);
    const phone = `2547${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
    await suite.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES (?, ?, 'Amina', 1)", { replacements: [c, phone] });
    return { chat: c, phone };
  };
  const stkSuccess = (receipt: string, phone: string) => item({ ...success(uniqueId(), receipt), phone });

  test("each event becomes a pending row of its C2B payment; the receipt key only on a new payment's alert and its receipt", async () => {
    const [paid, unknown] = [uniqueReceipt(), uniqueReceipt()];
    await insertC2bPayment(suite.db, { transId: paid, validationRejected: true });
    await insertC2bPayment(suite.db, { transId: unknown, status: "Unknown", amount: null });
    await queueC2bEvents(suite.db, [
      c2bEvent(paid, "admin", ADMIN), c2bEvent(paid, "receipt", "4242"), c2bEvent(paid, "conflict", ADMIN),
      c2bEvent(unknown, "admin", ADMIN, "status:Unknown"), c2bEvent(uniqueReceipt(), "admin", ADMIN), // no such payment: no row
    ]);
    expect(await rowsFor(paid)).toEqual([
      `c2b admin ${ADMIN} status:Paid ${paid}`, `c2b conflict ${ADMIN} validation-rejected null`, `c2b receipt 4242 status:Paid ${paid}`,
    ]);
    expect(await rowsFor(unknown)).toEqual([`c2b admin ${ADMIN} status:Unknown null`]);
    const rows = await suite.db.sequelize.query<Record<string, unknown>>(
      "SELECT n.status, n.attempts, n.next_attempt_at, n.transaction_id, n.request_id FROM notifications n JOIN c2b_payments c ON c.id = n.c2b_payment_id WHERE c.trans_id IN (?, ?)",
      { replacements: [paid, unknown], type: QueryTypes.SELECT });
    expect(rows.length).toBe(4);
    for (const r of rows) {
      expect([r.status, Number(r.attempts), r.transaction_id ?? null]).toEqual(["pending", 0, null]);
      expect(r.next_attempt_at).not.toBeNull();
      expect(String(r.request_id)).toHaveLength(36);
    }
  });

  test("the same event queued again is skipped without an error; a batch of 300 events takes two statements", async () => {
    const receipts = Array.from({ length: 150 }, () => uniqueReceipt());
    for (const r of receipts) await insertC2bPayment(suite.db, { transId: r });
    const events = receipts.flatMap((r, i) => [c2bEvent(r, "admin", ADMIN), c2bEvent(r, "receipt", String(9_000_000 + i))]);
    expect(c2bOutboxStatements(dialect, events).length).toBe(2);
    await queueC2bEvents(suite.db, events);
    await queueC2bEvents(suite.db, events.slice(0, 3));
    const [n] = await suite.db.sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM notifications n JOIN c2b_payments c ON c.id = n.c2b_payment_id WHERE c.trans_id IN (${receipts.map(() => "?").join(",")})`,
      { replacements: receipts, type: QueryTypes.SELECT });
    expect(Number(n?.n)).toBe(300);
  });

  test("an STK success's admin alert and receipt carry its receipt; its other events do not", async () => {
    const payer = await addPayer();
    const receipt = uniqueReceipt();
    const id = uniqueId();
    await store.writeBatch([item(failure(id, "1037", "Timeout"))]);
    expect(await store.writeBatch([item({ ...success(id, receipt), phone: payer.phone })])).toEqual(["late-success"]);
    const cancelled = uniqueId();
    await store.writeBatch([item(failure(cancelled))]);
    expect(await rowsFor(receipt)).toEqual([
      `stk admin ${ADMIN} status:Timeout null`, `stk conflict ${ADMIN} conflict:1 null`, `stk receipt ${payer.chat} status:Success ${receipt}`,
    ]);
    const [other] = await suite.db.sequelize.query<{ r: string | null }>("SELECT payment_receipt AS r FROM notifications WHERE checkout_request_id = ?",
      { replacements: [cancelled], type: QueryTypes.SELECT });
    expect(other?.r).toBeNull();
  });

  test("STK success first, then the C2B confirmation of the same receipt: one admin alert, one receipt", async () => {
    const payer = await addPayer();
    const receipt = uniqueReceipt();
    expect(await store.writeBatch([stkSuccess(receipt, payer.phone)])).toEqual(["new"]);
    await insertC2bPayment(suite.db, { transId: receipt });
    await queueC2bEvents(suite.db, [c2bEvent(receipt, "admin", ADMIN), c2bEvent(receipt, "receipt", payer.chat)]);
    expect(await rowsFor(receipt)).toEqual([`stk admin ${ADMIN} status:Success ${receipt}`, `stk receipt ${payer.chat} status:Success ${receipt}`]);
  });

  test("the C2B confirmation first, then the STK success of the same receipt: one admin alert, one receipt", async () => {
    const payer = await addPayer();
    const receipt = uniqueReceipt();
    await insertC2bPayment(suite.db, { transId: receipt });
    await queueC2bEvents(suite.db, [c2bEvent(receipt, "admin", ADMIN), c2bEvent(receipt, "receipt", payer.chat)]);
    expect(await store.writeBatch([stkSuccess(receipt, payer.phone)])).toEqual(["new"]);
    expect(await rowsFor(receipt)).toEqual([`c2b admin ${ADMIN} status:Paid ${receipt}`, `c2b receipt ${payer.chat} status:Paid ${receipt}`]);
  });

  test("a validation-rejected alert is not a payment alert: it is queued beside the STK alert", async () => {
    const receipt = uniqueReceipt();
    await store.writeBatch([stkSuccess(receipt, "254700000099")]);
    await insertC2bPayment(suite.db, { transId: receipt, validationRejected: true });
    await queueC2bEvents(suite.db, [c2bEvent(receipt, "admin", ADMIN), c2bEvent(receipt, "conflict", ADMIN)]);
    expect(await rowsFor(receipt)).toEqual([`c2b conflict ${ADMIN} validation-rejected null`, `stk admin ${ADMIN} status:Success ${receipt}`]);
  });

  // The second transaction's INSERT is on the server (waiting for the first's uncommitted rows) before the first commits.
  const insertRunningOn = async (name: string) =>
    Number((await suite.db.sequelize.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE 'INSERT INTO notifications%'",
      { replacements: [name], type: QueryTypes.SELECT }))[0]?.n) > 0;

  // MariaDB only (registered there, not skipped here): SQLite has one writer at a time, so no transaction waits on
  // another's uncommitted rows.
  if (dialect === "mysql") test("two processes' transactions queue an STK success and its C2B confirmation at once: one alert, one receipt", async () => {
    const other = await openDatabase(suite.tdb.target);
    const name = suite.tdb.target.dialect === "mysql" ? suite.tdb.target.database : "";
    try {
      for (const stkFirst of [true, false]) {
        const payer = await addPayer();
        const receipt = uniqueReceipt();
        const id = uniqueId();
        // The payment rows exist; only the outbox rows race (the notifications' unique keys decide).
        await createCallbackStore(suite.db).writeBatch([item({ ...success(id, receipt), phone: payer.phone })]);
        await insertC2bPayment(suite.db, { transId: receipt });
        const stk = outboxStatements(dialect, [
          { checkoutRequestId: id, kind: "admin", eventKey: "status:Success", requestId: crypto.randomUUID() },
          { checkoutRequestId: id, kind: "receipt", eventKey: "status:Success", requestId: crypto.randomUUID() },
        ], ADMIN);
        const c2b = c2bOutboxStatements(dialect, [c2bEvent(receipt, "admin", ADMIN), c2bEvent(receipt, "receipt", payer.chat)]);
        const [first, second] = stkFirst ? [{ db: suite.db, s: stk }, { db: other, s: c2b }] : [{ db: other, s: c2b }, { db: suite.db, s: stk }];
        // The first holds its rows uncommitted while the second inserts: the second waits on the unique key, then skips.
        const firstTx: Transaction = await first.db.sequelize.transaction();
        for (const s of first.s) await first.db.sequelize.query(s.sql, { replacements: s.values, transaction: firstTx });
        const secondDone = second.db.sequelize.transaction(async (transaction) => {
          for (const s of second.s) await second.db.sequelize.query(s.sql, { replacements: s.values, transaction });
        });
        await waitFor(() => insertRunningOn(name), "the second transaction's INSERT on the server");
        await firstTx.commit();
        await secondDone;
        const family = stkFirst ? "stk" : "c2b";
        const status = stkFirst ? "status:Success" : "status:Paid";
        expect(await rowsFor(receipt)).toEqual([`${family} admin ${ADMIN} ${status} ${receipt}`, `${family} receipt ${payer.chat} ${status} ${receipt}`]);
      }
    } finally {
      await other.close();
    }
  }, 60_000);

  test("STK successes and their C2B confirmations started together from two processes: one alert and one receipt each", async () => {
    const other = await openDatabase(suite.tdb.target);
    try {
      const receipts = await Promise.all(Array.from({ length: 10 }, async () => {
        const payer = await addPayer();
        const receipt = uniqueReceipt();
        await insertC2bPayment(suite.db, { transId: receipt });
        await Promise.all([
          createCallbackStore(other, { notify }).writeBatch([stkSuccess(receipt, payer.phone)]),
          queueC2bEvents(suite.db, [c2bEvent(receipt, "admin", ADMIN), c2bEvent(receipt, "receipt", payer.chat)]),
        ]);
        return { receipt, payer };
      }));
      for (const { receipt, payer } of receipts) {
        const rows = await rowsFor(receipt);
        expect(rows.map((r) => r.split(" ").slice(1, 3).join(" "))).toEqual([`admin ${ADMIN}`, `receipt ${payer.chat}`]);
      }
    } finally {
      await other.close();
    }
  }, 60_000);
});
