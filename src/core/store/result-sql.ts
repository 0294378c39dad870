// The statements that store Result-family rows (daraja_results), and the values for them: one place maps a ResultRow
// and the record whose fields it holds to columns.
import type { DarajaResult, ResultStatus } from "../daraja/result/parse-result.ts";
import { parseAmountToCents } from "../money.ts";
import { toSqlUtc } from "../time.ts";
import { centsToDecimal } from "./callback-sql.ts";
import type { Dialect } from "./database.ts";
import { utcNowSql } from "./db-clock.ts";
import { rowPlaceholders } from "./raw-sql.ts";
import { text } from "./row-values.ts";
import type { ResultRow } from "./result-state.ts";

const STATE_COLUMNS = `id, api, result_key, status, result_code, transaction_id, amount, originator_conversation_id, conversation_id,
  credit_party, debit_party, superseded_status, conflict_count, last_conflict_code, request_id`;

/** The rows of these (api, key) pairs; the values are api, key, api, key, … */
export function selectResultsSql(pairs: number, forUpdate: boolean): string {
  const where = new Array(pairs).fill("(api = ? AND result_key = ?)").join(" OR ");
  return `SELECT ${STATE_COLUMNS} FROM daraja_results WHERE ${where}${forUpdate ? " FOR UPDATE" : ""}`;
}

export function toResultRow(r: Record<string, unknown>): ResultRow {
  return {
    id: Number(r.id), api: String(r.api), key: String(r.result_key), status: String(r.status) as ResultStatus,
    resultCode: text(r.result_code), transactionId: text(r.transaction_id), amountCents: parseAmountToCents(r.amount),
    originatorConversationId: text(r.originator_conversation_id), conversationId: text(r.conversation_id),
    creditParty: text(r.credit_party), debitParty: text(r.debit_party), supersededStatus: text(r.superseded_status),
    conflictCount: Number(r.conflict_count), lastConflictCode: text(r.last_conflict_code), requestId: text(r.request_id),
  };
}

// Every column a record sets, in one order for the INSERT and the UPDATE.
const FIELDS = ["originator_conversation_id", "conversation_id", "transaction_id", "result_type", "result_code", "result_desc", "status",
  "superseded_status", "amount", "credit_party", "debit_party", "completed_at", "parameters", "reference_data", "verdict",
  "conflict_count", "last_conflict_code", "request_id"];

export const insertResultsSql = (rows: number) =>
  `INSERT INTO daraja_results (api, result_key, ${FIELDS.join(", ")}) VALUES ${rowPlaceholders(rows, FIELDS.length + 2)}`;

export function insertResultValues(row: ResultRow, source: DarajaResult, verdict: string | null): unknown[] {
  return [row.api, row.key, ...fieldValues(row, source, verdict)];
}

/** A row that a later record replaced (a late result, an Unknown made definite): every field, by id. */
export const updateResultSql = (dialect: Dialect) =>
  `UPDATE daraja_results SET ${FIELDS.map((f) => `${f} = ?`).join(", ")}, updated_at = ${utcNowSql(dialect)} WHERE id = ?`;

export function updateResultValues(row: ResultRow, source: DarajaResult, verdict: string | null): unknown[] {
  return [...fieldValues(row, source, verdict), row.id];
}

/** A conflicting record: the stored state stays, the row is flagged. */
export const flagResultSql = (dialect: Dialect) =>
  `UPDATE daraja_results SET conflict_count = ?, last_conflict_code = ?, updated_at = ${utcNowSql(dialect)} WHERE id = ?`;

export const flagResultValues = (row: ResultRow): unknown[] => [row.conflictCount, row.lastConflictCode, row.id];

function fieldValues(row: ResultRow, s: DarajaResult, verdict: string | null): unknown[] {
  return [
    row.originatorConversationId, row.conversationId, s.transactionId, s.resultType, s.resultCode, s.resultDesc, row.status,
    row.supersededStatus, centsToDecimal(row.amountCents), row.creditParty, row.debitParty,
    s.completedAt === null ? null : toSqlUtc(s.completedAt), JSON.stringify(s.parameters), JSON.stringify(s.referenceData), verdict,
    row.conflictCount, row.lastConflictCode, row.requestId,
  ];
}
