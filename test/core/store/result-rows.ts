// Test helpers for Result-family outbox tests: daraja_results, b2c_requests, account_balances, low_balance_state and
// notifications rows written by hand (the outbox reads them whichever store wrote them).
import { QueryTypes } from "sequelize";
import type { Database } from "../../../src/core/store/database.ts";
import { utcNowSql } from "../../../src/core/store/db-clock.ts";

export interface ResultRow {
  api?: string;
  originatorConversationId?: string | null;
  conversationId?: string | null;
  transactionId?: string | null;
  resultCode?: string | null;
  resultDesc?: string | null;
  status?: string;
  supersededStatus?: string | null;
  amount?: string | null;
  creditParty?: string | null;
  debitParty?: string | null;
  completedAt?: string | null; // UTC, `YYYY-MM-DD HH:MM:SS`
  parameters?: Record<string, string> | string | null; // a string is stored as it is
  verdict?: string | null;
  conflictCount?: number;
  lastConflictCode?: string | null;
}

let seq = 0;
/** A fresh OriginatorConversationID per call. */
export function uniqueOriginatorId(prefix = "myapp-b2c"): string {
  return `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Inserts a daraja_results row (a successful B2C payout unless told otherwise); returns its id. */
export async function insertResult(db: Database, row: ResultRow = {}): Promise<number> {
  const originator = row.originatorConversationId === undefined ? uniqueOriginatorId() : row.originatorConversationId;
  const conversation = row.conversationId === undefined ? `AG_${originator}` : row.conversationId;
  const parameters = row.parameters === undefined ? { TransactionAmount: "500" } : row.parameters;
  await db.sequelize.query(
    `INSERT INTO daraja_results (api, result_key, originator_conversation_id, conversation_id, transaction_id, result_type, result_code, result_desc,
       status, superseded_status, amount, credit_party, debit_party, completed_at, parameters, verdict, conflict_count, last_conflict_code, request_id)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    { replacements: [
      row.api ?? "b2c", originator ?? conversation, originator, conversation, row.transactionId === undefined ? "FAKE0B2C01" : row.transactionId, "0",
      row.resultCode === undefined ? "0" : row.resultCode, row.resultDesc === undefined ? "The service request is processed successfully." : row.resultDesc,
      row.status ?? "Success", row.supersededStatus ?? null, row.amount === undefined ? "500.00" : row.amount,
      row.creditParty === undefined ? "254700000004 - TEST RECIPIENT" : row.creditParty, row.debitParty ?? null,
      row.completedAt === undefined ? "2025-01-15 09:30:45" : row.completedAt,
      parameters === null || typeof parameters === "string" ? parameters : JSON.stringify(parameters),
      row.verdict ?? null, row.conflictCount ?? 0, row.lastConflictCode ?? null, crypto.randomUUID(),
    ] },
  );
  const [found] = await db.sequelize.query<{ id: number | string }>("SELECT id FROM daraja_results WHERE api = ? AND result_key = ?",
    { replacements: [row.api ?? "b2c", originator ?? conversation], type: QueryTypes.SELECT });
  if (found === undefined) throw new Error("the daraja_results row just written is not there");
  return Number(found.id);
}

export async function insertB2cRequest(db: Database, originatorId: string, amount: string, phone: string, purpose: string | null): Promise<void> {
  await db.sequelize.query("INSERT INTO b2c_requests (originator_conversation_id, amount, phone, purpose) VALUES (?,?,?,?)",
    { replacements: [originatorId, amount, phone, purpose] });
}

export async function insertBalance(db: Database, resultId: number, accountType: string, availableCents: number, reportedAt = "2025-01-15 09:30:45"): Promise<void> {
  await db.sequelize.query(
    "INSERT INTO account_balances (daraja_result_id, account_type, currency, current_cents, available_cents, reported_at) VALUES (?,?,'KES',?,?,?)",
    { replacements: [resultId, accountType, availableCents, availableCents, reportedAt] },
  );
}

export async function setLowBalance(db: Database, accountType: string, availableCents: number, crossings: number): Promise<void> {
  await db.sequelize.query("DELETE FROM low_balance_state WHERE account_type = ?", { replacements: [accountType] });
  await db.sequelize.query("INSERT INTO low_balance_state (account_type, below, crossings, available_cents, updated_at) VALUES (?, 1, ?, ?, '2025-01-16 00:00:00')",
    { replacements: [accountType, crossings, availableCents] });
}

export interface ResultEvent {
  resultId: number;
  kind: "admin" | "conflict" | "receipt";
  eventKey: string;
  chat: string;
}

/** Queues notifications about results, due now, as the result store does (daraja_result_id set, no transaction_id). */
export async function queueResultEvents(db: Database, events: readonly ResultEvent[]): Promise<void> {
  for (const e of events) {
    await db.sequelize.query(
      `INSERT INTO notifications (daraja_result_id, notification_type, recipient, status, event_key, request_id, attempts, next_attempt_at)
       VALUES (?, ?, ?, 'pending', ?, ?, 0, ${utcNowSql(db.dialect)})`,
      { replacements: [e.resultId, e.kind, e.chat, e.eventKey, crypto.randomUUID()] },
    );
  }
}
