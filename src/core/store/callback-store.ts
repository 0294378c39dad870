// Writes a batch of callbacks in one transaction with multi-row statements; isolates a row that breaks a batch.
import { COMMIT, onScriptConnection, runScript, runSql, inList, START_TRANSACTION, type ScriptQuery } from "./raw-sql.ts";
import type { Database } from "./database.ts";
import { classifyFailure } from "./db-errors.ts";
import { txOptionsFor, writeWithRetries, type BatchRunner } from "./batch-runner.ts";
import { planBatch, type BatchPlan, type IngestItem, type ItemOutcome } from "../ingest/batch-plan.ts";
import {
  FLAG_PAYMENT_SQL, flagPaymentValues, insertPaymentStatements, selectPaymentsSql,
  toStored, UPDATE_PAYMENT_SQL, updatePaymentValues, type PaymentRow,
} from "./callback-sql.ts";
import { outboxStatements, type SqlStatement } from "./outbox-sql.ts";
import { RecentKeys } from "../ingest/recent-keys.ts";
import type { StoredPayment } from "../payment-state.ts";
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

  // Every write of a planned batch, in order: payments, the log rows, verdicts of updated rows, C2B links, the outbox.
  function writeStatements(items: readonly IngestItem[], plan: BatchPlan, refused: ReadonlySet<number>): SqlStatement[] {
    const writes = [...plan.writes.values()];
    const updates = writes.filter((w) => w.mode === "update").map((w) =>
      (w.source === null ? { sql: FLAG_PAYMENT_SQL, values: flagPaymentValues(w) } : { sql: UPDATE_PAYMENT_SQL, values: updatePaymentValues(w) }));
    const logs = { sql: insertLogsSql(items.length), values: items.flatMap((item, i) =>
      refused.has(i) ? logValues(item, "refused", [UNSOLICITED]) : logValues(item, plan.outcomes[i] ?? "rejected")) };
    const inserts = insertPaymentStatements(writes.filter((w) => w.mode === "insert"), whenMatched);
    return [...inserts, ...updates, logs, ...crossCheck(plan), ...linkC2b(plan), ...outbox(items, plan)];
  }

  // Through sequelize, a statement at a time: SQLite, and MPESA_CB_UNSOLICITED=reject (one more read) on MySQL.
  async function writeOnce(items: readonly IngestItem[]): Promise<ItemOutcome[]> {
    return sequelize.transaction(txOptions, async (transaction) => {
      const run = (sql: string, values: unknown[]) => runSql(db.dialect, transaction, sql, values);
      const keys = keysOf(items);
      const rows = keys.length === 0 ? [] : await runSql<PaymentRow>(db.dialect, transaction, selectPaymentsSql(keys.length, db.dialect === "mysql"), keys);
      const refused = options.refuseUnsolicited ? await unsolicited(items, run) : new Set<number>();
      // A refused success takes part as a rejected item: it changes no payment, and its log row says why.
      const planned = planBatch(items.map((item, i) => (refused.has(i) ? { ...item, parsed: { ok: false as const, problems: [] } } : item)), storedOf(rows));
      const plan = { ...planned, outcomes: planned.outcomes.map((o, i): ItemOutcome => (refused.has(i) ? "refused" : o)) };
      for (const s of writeStatements(items, plan, refused)) await run(s.sql, s.values);
      return plan.outcomes;
    });
  }

  // MySQL, when every payment in the batch is new (the usual case): the whole transaction, COMMIT included, in one
  // round trip (runScript; a statement at a time on Galera).
  // A payment that exists already fails the insert on its unique key (null: the batch takes writeOverStored).
  // Over no stored payments every write is an insert, whose verdict its INSERT sets: there is nothing to cross-check.
  async function writeAllNew(items: readonly IngestItem[]): Promise<ItemOutcome[] | null> {
    const plan = planBatch(items, new Map());
    const statements = writeStatements(items, plan, NONE_REFUSED);
    try {
      await onScriptConnection(sequelize, (query) => runWrites(query, statements, { begin: true }));
      return plan.outcomes;
    } catch (e) {
      if (classifyFailure(e) === "conflict") return null;
      throw e;
    }
  }

  // MySQL, a batch that meets stored payments (duplicates, updates, conflicts): two round trips on one connection —
  // the transaction opened with its stored payments read and locked, then every write and the COMMIT (runScript; a
  // statement at a time on Galera). A batch with no payment keys has nothing to read: one round trip.
  async function writeOverStored(items: readonly IngestItem[]): Promise<ItemOutcome[]> {
    const keys = keysOf(items);
    return onScriptConnection(sequelize, async (query) => {
      const read = keys.length > 0;
      const select = { sql: selectPaymentsSql(keys.length, true), values: keys };
      const rows = read ? ((await runScript(query, [START_TRANSACTION, select], db.galera === true))[1] as PaymentRow[]) : [];
      const plan = planBatch(items, storedOf(rows));
      await runWrites(query, writeStatements(items, plan, NONE_REFUSED), { begin: !read });
      return plan.outcomes;
    });
  }

  // A batch's writes and the COMMIT (runScript: one round trip, or a statement at a time on Galera). With `begin`, the
  // transaction is opened in the same round trip.
  async function runWrites(query: ScriptQuery, statements: readonly SqlStatement[], o: { begin?: boolean } = {}): Promise<void> {
    await runScript(query, [...(o.begin ? [START_TRANSACTION] : []), ...statements, COMMIT], db.galera === true);
  }

  // Keys this store committed lately: a batch repeating one skips the all-new try that would fail on it.
  const recent = new RecentKeys();
  async function writeMysql(items: readonly IngestItem[], attempt: number): Promise<ItemOutcome[]> {
    const keys = keysOf(items);
    const fast = attempt === 1 && !recent.hasAny(keys) ? await writeAllNew(items) : null;
    const outcomes = fast ?? (await writeOverStored(items));
    recent.add(keys);
    return outcomes;
  }

  const runner: BatchRunner<IngestItem> = {
    db,
    writeOnce: (items, attempt) => (db.dialect === "mysql" && !options.refuseUnsolicited ? writeMysql(items, attempt) : writeOnce(items)),
  };
  const writeBatch = (items: readonly IngestItem[]) => writeWithRetries(runner, items) as Promise<ItemOutcome[]>;

  return { writeBatch };
}

const NONE_REFUSED: ReadonlySet<number> = new Set();

function keysOf(items: readonly IngestItem[]): string[] {
  return [...new Set(items.flatMap((i) => (i.parsed.ok ? [i.parsed.value.checkoutRequestId] : [])))];
}

function storedOf(rows: readonly PaymentRow[]): Map<string, StoredPayment> {
  return new Map(rows.map((r) => [r.checkout_request_id, toStored(r)]));
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
