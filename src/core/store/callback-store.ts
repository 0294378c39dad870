// Writes a batch of callbacks in one transaction with multi-row statements; isolates a row that breaks a batch.
import { QueryTypes, Transaction } from "sequelize";
import type { Database } from "./database.ts";
import { classifyFailure } from "./db-errors.ts";
import { AppError } from "../errors.ts";
import { reason } from "./database.ts";
import { planBatch, problemsOf, httpStatusOf, type IngestItem, type ItemOutcome, type PaymentWrite } from "../ingest/batch-plan.ts";
import type { StoredPayment } from "../payment-state.ts";
import type { PaymentStatus } from "../payment.ts";
import { parseAmountToCents } from "../money.ts";
import { toSqlUtc } from "../time.ts";

export interface CallbackStore {
  /** Stores every item; resolves with each item's outcome once the transaction holding it has committed. */
  writeBatch(items: readonly IngestItem[]): Promise<ItemOutcome[]>;
}

interface PaymentRow {
  checkout_request_id: string;
  status: string;
  result_code: string | number | null;
  mpesa_receipt_number: string | null;
  amount: string | number | null;
  conflict_count: number | string;
}

const MAX_ATTEMPTS = 6;

export function createCallbackStore(db: Database): CallbackStore {
  const { sequelize } = db;
  const txOptions = db.dialect === "mysql"
    ? { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED } // no gap locks: concurrent writers meet on the unique key
    : { type: Transaction.TYPES.IMMEDIATE }; // take SQLite's write lock first: no upgrade deadlock between processes
  const forUpdate = db.dialect === "mysql" ? " FOR UPDATE" : "";

  async function writeOnce(items: readonly IngestItem[]): Promise<ItemOutcome[]> {
    return sequelize.transaction(txOptions, async (transaction) => {
      const keys = [...new Set(items.flatMap((i) => (i.parsed.ok ? [i.parsed.value.checkoutRequestId] : [])))];
      const stored = keys.length === 0 ? new Map<string, StoredPayment>() : await selectPayments(keys, transaction);
      const plan = planBatch(items, stored);
      const writes = [...plan.writes.values()];
      const inserts = writes.filter((w) => w.mode === "insert");
      if (inserts.length > 0) await sequelize.query(insertPaymentsSql(inserts.length), { replacements: inserts.flatMap(insertValues), transaction });
      for (const w of writes.filter((w) => w.mode === "update")) await updatePayment(w, transaction);
      await insertLogs(items, plan.outcomes, transaction);
      return plan.outcomes;
    });
  }

  async function selectPayments(keys: string[], transaction: Transaction): Promise<Map<string, StoredPayment>> {
    const rows = await sequelize.query<PaymentRow>(
      `SELECT checkout_request_id, status, result_code, mpesa_receipt_number, amount, conflict_count
       FROM transactions WHERE checkout_request_id IN (?)${forUpdate}`,
      { replacements: [keys], type: QueryTypes.SELECT, transaction },
    );
    return new Map(rows.map((r) => [r.checkout_request_id, {
      checkoutRequestId: r.checkout_request_id, status: r.status as PaymentStatus | "Pending",
      resultCode: r.result_code === null ? null : String(r.result_code), receipt: r.mpesa_receipt_number,
      amountCents: parseAmountToCents(r.amount), conflictCount: Number(r.conflict_count),
    }]));
  }

  async function updatePayment(w: PaymentWrite, transaction: Transaction): Promise<void> {
    const conflictAt = w.lastConflictCode === null ? null : sqlTime(new Date());
    if (w.source === null) {
      // A conflicting callback: the stored outcome stays, the row is flagged.
      await sequelize.query(
        `UPDATE transactions SET conflict_count = ?, last_conflict_code = ?, last_conflict_at = ?, updated_at = CURRENT_TIMESTAMP
         WHERE checkout_request_id = ?`,
        { replacements: [w.conflictCount, w.lastConflictCode, conflictAt, w.checkoutRequestId], transaction },
      );
      return;
    }
    await sequelize.query(
      `UPDATE transactions SET merchant_request_id = COALESCE(?, merchant_request_id), result_code = ?, result_desc = ?,
         amount = COALESCE(?, amount), mpesa_receipt_number = ?, phone_number = COALESCE(?, phone_number),
         transaction_date = COALESCE(?, transaction_date), status = ?, superseded_status = COALESCE(?, superseded_status),
         conflict_count = ?, last_conflict_code = COALESCE(?, last_conflict_code),
         last_conflict_at = COALESCE(?, last_conflict_at), updated_at = CURRENT_TIMESTAMP
       WHERE checkout_request_id = ?`,
      { replacements: [...paymentFields(w).slice(1), w.conflictCount, w.lastConflictCode, conflictAt, w.checkoutRequestId], transaction },
    );
  }

  async function insertLogs(items: readonly IngestItem[], outcomes: ItemOutcome[], transaction: Transaction): Promise<void> {
    const values = items.flatMap((item, i) => logValues(item, outcomes[i] ?? "rejected"));
    await sequelize.query(insertLogsSql(items.length), { replacements: values, transaction });
  }

  // A row the database refuses even alone: keep its raw body for review, in a transaction of its own.
  async function quarantine(item: IngestItem, cause: unknown): Promise<ItemOutcome> {
    const problems = [...problemsOf(item), { path: "(database)", message: reason(cause) }];
    await sequelize.transaction(txOptions, (transaction) =>
      sequelize.query(insertLogsSql(1), { replacements: logValues(item, "quarantined", problems), transaction }));
    return "quarantined";
  }

  async function writeBatch(items: readonly IngestItem[]): Promise<ItemOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeOnce(items);
      } catch (e) {
        const kind = classifyFailure(e);
        if (kind === "unavailable") throw unavailable(db, e);
        // "conflict": another process inserted the same payment first; reading again sees it.
        const retry = kind === "transient" ? attempt < MAX_ATTEMPTS : kind === "conflict" && attempt < 2;
        if (retry) {
          await Bun.sleep(Math.min(2 ** attempt, 50) * Math.random());
          continue;
        }
        if (items.length === 1) return [await quarantine(items[0] as IngestItem, e).catch((qe) => { throw unavailable(db, qe); })];
        const mid = Math.ceil(items.length / 2); // halves in order keep one-by-one semantics
        return [...(await writeBatch(items.slice(0, mid))), ...(await writeBatch(items.slice(mid)))];
      }
    }
  }

  return { writeBatch };
}

function unavailable(db: Database, cause: unknown): AppError {
  return new AppError("database", `the database ${db.description} cannot take callbacks: ${reason(cause)}`, { cause });
}

function paymentFields(w: PaymentWrite): unknown[] {
  const cb = w.source;
  if (cb === null) throw new Error("a payment row needs a source callback");
  return [
    cb.checkoutRequestId, cb.merchantRequestId, cb.resultCode, cb.resultDesc, centsToDecimal(cb.amountCents),
    cb.receipt, cb.phone, cb.transactionDate ? toSqlUtc(cb.transactionDate) : null, cb.status, w.supersededStatus,
  ];
}

function insertValues(w: PaymentWrite): unknown[] {
  const conflictAt = w.lastConflictCode === null ? null : sqlTime(new Date());
  return [...paymentFields(w), w.conflictCount, w.lastConflictCode, conflictAt];
}

function insertPaymentsSql(rows: number): string {
  return `INSERT INTO transactions (checkout_request_id, merchant_request_id, result_code, result_desc, amount,
    mpesa_receipt_number, phone_number, transaction_date, status, superseded_status, conflict_count, last_conflict_code,
    last_conflict_at) VALUES ${placeholders(rows, 13)}`;
}

function insertLogsSql(rows: number): string {
  return `INSERT INTO callback_logs (checkout_request_id, raw_payload, result_code, result_desc, processed, received_at,
    source_ip, route, http_status, outcome, problems) VALUES ${placeholders(rows, 11)}`;
}

function logValues(item: IngestItem, outcome: ItemOutcome, problems = problemsOf(item)): unknown[] {
  const cb = item.parsed.ok ? item.parsed.value : null;
  const r = item.request;
  return [
    cb?.checkoutRequestId ?? null, r.rawBody, cb?.resultCode ?? null, cb?.resultDesc ?? null, cb ? 1 : 0,
    sqlTime(r.receivedAt), r.sourceIp, r.route.slice(0, 200), httpStatusOf(outcome), outcome,
    problems.length > 0 ? JSON.stringify(problems) : null,
  ];
}

function placeholders(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(",")})`;
  return new Array(rows).fill(row).join(",");
}

function centsToDecimal(cents: number | null): string | null {
  if (cents === null) return null;
  const s = String(Math.abs(cents)).padStart(3, "0");
  return `${cents < 0 ? "-" : ""}${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** UTC with milliseconds, as DATETIME(3) and SQLite text both take it. */
function sqlTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}
