// The reconciliation's statements: which payments to ask Daraja about, and how an answer is written to
// `transactions` and `callback_logs` (the outbox rows come from outbox-sql.ts, as for a callback).
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import { plusValue, utcPlusSql } from "../store/db-clock.ts";
import { parseAmountToCents } from "../money.ts";
import { toSqlUtc } from "../time.ts";
import { insertLogsSql, sqlTime } from "../store/callback-log-sql.ts";
import { centsToDecimal } from "../store/callback-sql.ts";
import type { PaymentStatus } from "../payment.ts";

/** A payment to ask Daraja about: a request with no final callback, or a stored Unknown. */
export interface Candidate {
  checkoutRequestId: string;
  storedStatus: string | null; // the transactions row's status; null: no row yet
  requestedAt: Date | null; // payment_requests.created_at, else the transactions row's
  amountCents: number | null; // what we asked for (payment_requests.amount)
  phone: string | null;
  merchantRequestId: string | null;
}

export interface CandidateQuery {
  afterMs: number; // requests younger than this still wait for their callback (stored Unknowns do not wait)
  since: Date | null; // only payments requested (or stored) at or after this time
  before?: Date | null; // and before this one
  limit: number;
}

type Row = Record<string, unknown>;

// Requests without a final callback (no row, or Pending/Unknown), then Unknowns and Pendings with no request of ours.
// Newest first: a request Daraja no longer answers for stays unresolved, and must not starve the recent ones.
// `since` (always given by a pass: the maximum age) makes both halves range reads, on ix_payment_requests_created_at
// and ix_transactions_status (011_reconcile_indexes).
function candidatesSql(db: Database, since: boolean, before: boolean, limit: number): string {
  const cutoff = utcPlusSql(db.dialect);
  const from = `${since ? " AND pr.created_at >= ?" : ""}${before ? " AND pr.created_at < ?" : ""}`;
  const fromT = `${since ? " AND t.created_at >= ?" : ""}${before ? " AND t.created_at < ?" : ""}`;
  return `SELECT pr.checkout_request_id, t.status, pr.created_at AS at, pr.amount, pr.phone_number, pr.merchant_request_id
      FROM payment_requests pr LEFT JOIN transactions t ON t.checkout_request_id = pr.checkout_request_id
      WHERE (t.id IS NULL OR t.status = 'Pending' OR t.status = 'Unknown')
        AND (pr.created_at <= ${cutoff} OR t.status = 'Unknown')${from}
    UNION ALL
    SELECT t.checkout_request_id, t.status, t.created_at AS at, NULL, NULL, NULL
      FROM transactions t
      WHERE (t.status = 'Unknown' OR (t.status = 'Pending' AND t.created_at <= ${cutoff}))
        AND NOT EXISTS (SELECT 1 FROM payment_requests pr WHERE pr.checkout_request_id = t.checkout_request_id)${fromT}
    ORDER BY at DESC, checkout_request_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`;
}

/** The statement findCandidates runs, with its values (for its query plan in tests). */
export function candidatesQuery(db: Database, q: CandidateQuery): { sql: string; replacements: unknown[] } {
  const ago = plusValue(db.dialect, -Math.max(0, q.afterMs));
  const bounds = [...(q.since === null ? [] : [toSqlUtc(q.since)]), ...(q.before == null ? [] : [toSqlUtc(q.before)])];
  return { sql: candidatesSql(db, q.since !== null, q.before != null, q.limit), replacements: [ago, ...bounds, ago, ...bounds] };
}

export async function findCandidates(db: Database, q: CandidateQuery): Promise<Candidate[]> {
  const { sql, replacements } = candidatesQuery(db, q);
  const rows = await db.sequelize.query<Row>(sql, { type: QueryTypes.SELECT, replacements });
  return rows.map((r) => ({
    checkoutRequestId: String(r.checkout_request_id), storedStatus: r.status == null ? null : String(r.status),
    requestedAt: r.at == null ? null : asUtc(r.at), amountCents: parseAmountToCents(r.amount),
    phone: r.phone_number == null ? null : String(r.phone_number), merchantRequestId: r.merchant_request_id == null ? null : String(r.merchant_request_id),
  }));
}

// MySQL gives a Date (session time zone UTC); SQLite the text CURRENT_TIMESTAMP wrote, in UTC.
function asUtc(v: unknown): Date {
  return v instanceof Date ? v : new Date(`${String(v).replace(" ", "T")}Z`);
}

/** What is written for an answer, besides the status: the request's facts and Daraja's words. */
export interface AnswerFacts {
  candidate: Candidate;
  status: PaymentStatus;
  resultCode: string;
  resultDesc: string;
}

// A recovered success is confirmed by Daraja itself (we asked it, over TLS, with our credentials): `verified`.
const VERDICT = "CASE WHEN ? = 'Success' THEN 'verified' ELSE NULL END";

export const INSERT_RECOVERED_SQL = `INSERT INTO transactions (checkout_request_id, merchant_request_id, result_code, result_desc, amount,
  phone_number, status, verdict, verdict_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ${VERDICT}, ?)`;

export function insertRecoveredValues(f: AnswerFacts): unknown[] {
  const c = f.candidate;
  return [c.checkoutRequestId, c.merchantRequestId, f.resultCode, f.resultDesc.slice(0, 255), centsToDecimal(c.amountCents), c.phone, f.status, f.status, detailOf(f)];
}

// Only a row with no final word moves: the guard holds even if the row was not locked first.
export const UPDATE_RECOVERED_SQL = `UPDATE transactions SET merchant_request_id = COALESCE(merchant_request_id, ?), result_code = ?,
  result_desc = ?, amount = COALESCE(amount, ?), phone_number = COALESCE(phone_number, ?), status = ?,
  superseded_status = COALESCE(?, superseded_status), verdict = COALESCE(${VERDICT}, verdict),
  verdict_detail = CASE WHEN ? = 'Success' THEN ? ELSE verdict_detail END, updated_at = CURRENT_TIMESTAMP
  WHERE checkout_request_id = ? AND status IN ('Pending', 'Unknown')`;

export function updateRecoveredValues(f: AnswerFacts, supersededStatus: string | null): unknown[] {
  const c = f.candidate;
  return [c.merchantRequestId, f.resultCode, f.resultDesc.slice(0, 255), centsToDecimal(c.amountCents), c.phone, f.status,
    supersededStatus, f.status, f.status, detailOf(f), c.checkoutRequestId];
}

function detailOf(f: AnswerFacts): string {
  return `recovered by M-Pesa Express Query: ResultCode ${f.resultCode}`.slice(0, 255);
}

export const INSERT_LOG_SQL = insertLogsSql(1);

/**
 * The query's answer as a callback_logs row of the STK family: route `reconcile`, source `query` (in source_verdict),
 * no source address and no HTTP status (nobody was answered), the body Daraja sent as the raw payload.
 */
export function queryLogValues(o: { requestId: string; checkoutRequestId: string; rawBody: string; resultCode: string; resultDesc: string; outcome: string; at: Date }): unknown[] {
  return [o.requestId, "stk", o.checkoutRequestId, o.checkoutRequestId, o.rawBody, o.resultCode, o.resultDesc.slice(0, 255), 1,
    sqlTime(o.at), null, "query", RECONCILE_ROUTE, null, o.outcome, null];
}

export const RECONCILE_ROUTE = "reconcile";
