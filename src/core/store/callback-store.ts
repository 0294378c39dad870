// Writes a batch of callbacks in one transaction with multi-row statements; isolates a row that breaks a batch.
import { runScript, runSql, inList } from "./raw-sql.ts";
import type { Database } from "./database.ts";
import { classifyFailure } from "./db-errors.ts";
import { txOptionsFor, writeWithRetries, type BatchRunner } from "./batch-runner.ts";
import { planBatch, type BatchPlan, type IngestItem, type ItemOutcome } from "../ingest/batch-plan.ts";
import {
  FLAG_PAYMENT_SQL, flagPaymentValues, insertPaymentStatements, selectPaymentsSql,
  toStored, UPDATE_PAYMENT_SQL, updatePaymentValues, type PaymentRow,
} from "./callback-sql.ts";
import { outboxStatements } from "./outbox-sql.ts";
import { insertLogsSql, logValues } from "./callback-log-sql.ts";
import { linkStkSql } from "./c2b-sql.ts";
import { crossCheckSql, type WhenMatched } from "./verdict-sql.ts";
import { NOTIFICATIONS_OFF, planNotifications, type NotifyTargets } from "../notify/notification-plan.ts";

export interface CallbackStore {
  /** Stores every item; resolves with each item's outcome once the transaction holding it has committed. */
  writeBatch(items: readonly IngestItem[]): Promise<ItemOutcome[]>;
}

export interface CallbackStoreOptions {
  notify?: NotifyTargets; // which Telegram notifications to queue with the payments (default: none)
  confirm?: boolean; // Daraja confirmation on: a success that matches our request waits as `pending`
  refuseUnsolicited?: boolean; // MPESA_CB_UNSOLICITED=reject: a success for a request we never made is refused
}

export function createCallbackStore(db: Database, options: CallbackStoreOptions = {}): CallbackStore {
  const { sequelize } = db;
  const targets = options.notify ?? NOTIFICATIONS_OFF;
  const whenMatched: WhenMatched = options.confirm ? "pending" : "matched";
  // Successes this batch wrote are checked against our payment requests before notifications are queued,
  // so that a mismatch (or a success still to be confirmed) gets no customer receipt.
  const crossCheck = (plan: BatchPlan): { sql: string; values: unknown[] }[] => {
    // Inserted rows got theirs in the INSERT; rows updated into a success are checked here.
    const keys = [...plan.writes.values()].filter((w) => w.mode === "update" && w.source?.status === "Success").map((w) => w.checkoutRequestId);
    return keys.length === 0 ? [] : [{ sql: crossCheckSql(keys.length, whenMatched), values: keys }];
  };
  // A success whose receipt a C2B confirmation already holds is the same payment (SPEC §4.5): link the two.
  const linkC2b = (plan: BatchPlan): { sql: string; values: unknown[] }[] => {
    const receipts = [...plan.writes.values()].flatMap((w) => (w.source?.status === "Success" && w.source.receipt !== null ? [w.source.receipt] : []));
    return receipts.length === 0 ? [] : [{ sql: linkStkSql(receipts.length), values: receipts }];
  };
  // The outbox rows a batch calls for, written in its own transaction (DESIGN.md promise 5).
  const outbox = (items: readonly IngestItem[], plan: BatchPlan) =>
    outboxStatements(db.dialect, planNotifications(items, plan, targets), targets.adminChatId);
  const txOptions = txOptionsFor(db);

  async function writeOnce(items: readonly IngestItem[]): Promise<ItemOutcome[]> {
    return sequelize.transaction(txOptions, async (transaction) => {
      const run = (sql: string, values: unknown[]) => runSql(db.dialect, transaction, sql, values);
      const keys = [...new Set(items.flatMap((i) => (i.parsed.ok ? [i.parsed.value.checkoutRequestId] : [])))];
      const rows = keys.length === 0 ? [] : await runSql<PaymentRow>(db.dialect, transaction, selectPaymentsSql(keys.length, db.dialect === "mysql"), keys);
      const refused = options.refuseUnsolicited ? await unsolicited(items, run) : new Set<number>();
      // A refused success takes part as a rejected item: it changes no payment, and its log row says why.
      const planned = planBatch(items.map((item, i) => (refused.has(i) ? { ...item, parsed: { ok: false as const, problems: [] } } : item)),
        new Map(rows.map((r) => [r.checkout_request_id, toStored(r)])));
      const plan = { ...planned, outcomes: planned.outcomes.map((o, i): ItemOutcome => (refused.has(i) ? "refused" : o)) };
      const writes = [...plan.writes.values()];
      const inserts = writes.filter((w) => w.mode === "insert");
      for (const s of insertPaymentStatements(inserts, whenMatched)) await run(s.sql, s.values);
      for (const w of writes.filter((w) => w.mode === "update")) {
        await (w.source === null ? run(FLAG_PAYMENT_SQL, flagPaymentValues(w)) : run(UPDATE_PAYMENT_SQL, updatePaymentValues(w)));
      }
      await run(insertLogsSql(items.length), items.flatMap((item, i) =>
        refused.has(i) ? logValues(item, "refused", [UNSOLICITED]) : logValues(item, plan.outcomes[i] ?? "rejected")));
      for (const s of [...crossCheck(plan), ...linkC2b(plan), ...outbox(items, plan)]) await run(s.sql, s.values);
      return plan.outcomes;
    });
  }

  // MySQL, when every payment in the batch is new (the usual case): the whole transaction in one round trip.
  // A payment that exists already fails the insert on its unique key; then the batch takes the reading path.
  // Over no stored payments every write is an insert, whose verdict its INSERT sets: there is nothing to cross-check.
  async function writeAllNew(items: readonly IngestItem[]): Promise<ItemOutcome[] | null> {
    const plan = planBatch(items, new Map());
    const inserts = [...plan.writes.values()];
    const logs = { sql: insertLogsSql(items.length), values: items.flatMap((item, i) => logValues(item, plan.outcomes[i] ?? "rejected")) };
    const queued = [...insertPaymentStatements(inserts, whenMatched), logs, ...linkC2b(plan), ...outbox(items, plan)];
    const statements = ["START TRANSACTION", ...queued.map((s) => s.sql), "COMMIT"];
    const values = queued.flatMap((s) => s.values);
    try {
      await runScript(sequelize, statements, values);
      return plan.outcomes;
    } catch (e) {
      if (classifyFailure(e) === "conflict") return null;
      throw e;
    }
  }

  const runner: BatchRunner<IngestItem> = {
    db,
    writeOnce: async (items, attempt) => {
      const fast = attempt === 1 && db.dialect === "mysql" && !options.refuseUnsolicited ? await writeAllNew(items) : null;
      return fast ?? (await writeOnce(items));
    },
  };
  const writeBatch = (items: readonly IngestItem[]) => writeWithRetries(runner, items) as Promise<ItemOutcome[]>;

  return { writeBatch };
}

const UNSOLICITED = { path: "Body.stkCallback.CheckoutRequestID", message: "names no payment request of ours: unsolicited success refused (MPESA_CB_UNSOLICITED=reject)" };

/** Indexes of the successes whose CheckoutRequestID has no payment request of ours. */
async function unsolicited(items: readonly IngestItem[], run: (sql: string, values: unknown[]) => Promise<unknown[]>): Promise<Set<number>> {
  const successes = items.flatMap((item, i) => (item.parsed.ok && item.parsed.value.status === "Success" ? [[i, item.parsed.value.checkoutRequestId] as const] : []));
  if (successes.length === 0) return new Set();
  const keys = [...new Set(successes.map(([, k]) => k))];
  const found = (await run(`SELECT checkout_request_id FROM payment_requests WHERE checkout_request_id IN (${inList(keys.length)})`, keys)) as { checkout_request_id: string }[];
  const ours = new Set(found.map((r) => r.checkout_request_id));
  return new Set(successes.filter(([, k]) => !ours.has(k)).map(([i]) => i));
}
