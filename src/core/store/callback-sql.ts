// The statements that store callbacks, and the values for them: one place maps domain fields to SQL columns.
import { inList, rowsTable } from "./raw-sql.ts";
import { paymentRequestJoin, verdictSql, type WhenMatched } from "./verdict-sql.ts";
import { sqlTime } from "./callback-log-sql.ts";
import type { PaymentWrite } from "../ingest/batch-plan.ts";
import type { StoredPayment } from "../payment-state.ts";
import type { PaymentStatus } from "../payment.ts";
import { parseAmountToCents } from "../money.ts";
import { nairobiWallTime, toSqlUtc } from "../time.ts";

export interface PaymentRow {
  checkout_request_id: string;
  status: string;
  result_code: string | number | null;
  mpesa_receipt_number: string | null;
  amount: string | number | null;
  conflict_count: number | string;
  last_conflict_code: string | null;
}

export function selectPaymentsSql(keys: number, forUpdate: boolean): string {
  return `SELECT checkout_request_id, status, result_code, mpesa_receipt_number, amount, conflict_count, last_conflict_code FROM transactions
    WHERE checkout_request_id IN (${inList(keys)})${forUpdate ? " FOR UPDATE" : ""}`;
}

export function toStored(r: PaymentRow): StoredPayment {
  return {
    checkoutRequestId: r.checkout_request_id, status: r.status as PaymentStatus | "Pending",
    resultCode: r.result_code === null ? null : String(r.result_code), receipt: r.mpesa_receipt_number,
    amountCents: parseAmountToCents(r.amount), conflictCount: Number(r.conflict_count),
    lastConflictCode: r.last_conflict_code === null || r.last_conflict_code === undefined ? null : String(r.last_conflict_code),
  };
}

// The columns a new payment's row is written with, in the order of insertPaymentValues; its verdict comes from the join.
const INSERT_COLUMNS = ["checkout_request_id", "merchant_request_id", "result_code", "result_desc", "amount", "mpesa_receipt_number",
  "phone_number", "transaction_date", "transaction_date_utc", "status", "superseded_status", "conflict_count", "last_conflict_code",
  "last_conflict_at"];

/** Most rows in one INSERT: SQLite allows at most 500 terms in the compound SELECT that carries them. */
export const PAYMENTS_PER_INSERT = 250;

/**
 * New payments, their verdicts set in the same statement: the rows as a derived table joined once to our payment
 * requests (one index lookup per row), rather than subqueries per row. `rows` at most PAYMENTS_PER_INSERT.
 */
export function insertPaymentsSql(rows: number, whenMatched: WhenMatched): string {
  return `INSERT INTO transactions (${INSERT_COLUMNS.join(", ")}, verdict)
    SELECT ${INSERT_COLUMNS.map((c) => `v.${c}`).join(", ")}, CASE WHEN v.status <> 'Success' THEN NULL ELSE ${verdictSql("v", whenMatched)} END
    FROM ${rowsTable(INSERT_COLUMNS, rows)} v ${paymentRequestJoin("v")}`;
}

/** The row's values, in INSERT_COLUMNS order. */
export function insertPaymentValues(w: PaymentWrite): unknown[] {
  return [w.checkoutRequestId, ...paymentFields(w), w.conflictCount, w.lastConflictCode, conflictTime(w)];
}

/** The statements (at most PAYMENTS_PER_INSERT rows each) that insert `writes`. */
export function insertPaymentStatements(writes: readonly PaymentWrite[], whenMatched: WhenMatched): { sql: string; values: unknown[] }[] {
  const statements: { sql: string; values: unknown[] }[] = [];
  for (let i = 0; i < writes.length; i += PAYMENTS_PER_INSERT) {
    const part = writes.slice(i, i + PAYMENTS_PER_INSERT);
    statements.push({ sql: insertPaymentsSql(part.length, whenMatched), values: part.flatMap(insertPaymentValues) });
  }
  return statements;
}

/** A conflicting callback: the stored outcome stays, the row is flagged. */
export const FLAG_PAYMENT_SQL = `UPDATE transactions SET conflict_count = ?, last_conflict_code = ?, last_conflict_at = ?,
  updated_at = CURRENT_TIMESTAMP WHERE checkout_request_id = ?`;

export function flagPaymentValues(w: PaymentWrite): unknown[] {
  return [w.conflictCount, w.lastConflictCode, conflictTime(w), w.checkoutRequestId];
}

// Values the callback does not carry (a failure has no amount or phone) keep what the row had.
export const UPDATE_PAYMENT_SQL = `UPDATE transactions SET merchant_request_id = COALESCE(?, merchant_request_id),
  result_code = ?, result_desc = ?, amount = COALESCE(?, amount), mpesa_receipt_number = ?,
  phone_number = COALESCE(?, phone_number), transaction_date = COALESCE(?, transaction_date),
  transaction_date_utc = COALESCE(?, transaction_date_utc), status = ?,
  superseded_status = COALESCE(?, superseded_status), conflict_count = ?, last_conflict_code = COALESCE(?, last_conflict_code),
  last_conflict_at = COALESCE(?, last_conflict_at), updated_at = CURRENT_TIMESTAMP WHERE checkout_request_id = ?`;

export function updatePaymentValues(w: PaymentWrite): unknown[] {
  return [...paymentFields(w), w.conflictCount, w.lastConflictCode, conflictTime(w), w.checkoutRequestId];
}

function sourceOf(w: PaymentWrite): NonNullable<PaymentWrite["source"]> {
  if (w.source === null) throw new Error(`payment ${w.checkoutRequestId}: a full write needs the callback it comes from`);
  return w.source;
}

// merchant_request_id … superseded_status, in the column order of the statements above. The payment's time goes
// in twice: Nairobi wall time in transaction_date (the original server's meaning, for its readers), UTC in
// transaction_date_utc (what mpesa-cb reads).
function paymentFields(w: PaymentWrite): unknown[] {
  const cb = sourceOf(w);
  const at = cb.transactionDate;
  return [
    cb.merchantRequestId, cb.resultCode, cb.resultDesc, centsToDecimal(cb.amountCents), cb.receipt, cb.phone,
    at ? nairobiWallTime(at) : null, at ? toSqlUtc(at) : null, cb.status, w.supersededStatus,
  ];
}

function conflictTime(w: PaymentWrite): string | null {
  return w.lastConflictCode === null ? null : sqlTime(new Date());
}

export function centsToDecimal(cents: number | null): string | null {
  if (cents === null) return null;
  const s = String(Math.abs(cents)).padStart(3, "0");
  return `${cents < 0 ? "-" : ""}${s.slice(0, -2)}.${s.slice(-2)}`;
}
