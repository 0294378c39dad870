// Queues a C2B payment's notifications inside the C2B store's transaction (INSERT … SELECT by TransID, as the STK
// outbox does by CheckoutRequestID). The store resolves each recipient; this file only writes the rows.
import type { Dialect } from "./database.ts";
import { utcNowSql } from "./db-clock.ts";
import { EVENTS_PER_STATEMENT, onDuplicateSkip, type SqlStatement } from "./outbox-sql.ts";

/** One notification about a C2B payment; with the payment, the kind and the recipient, the event key names it. */
export interface C2bEvent {
  transId: string; // the c2b_payments row's TransID (the M-Pesa receipt)
  kind: "admin" | "receipt" | "conflict";
  eventKey: string; // admin: status:Paid or status:Unknown; receipt: status:Paid; conflict: validation-rejected
  requestId: string; // the confirmation that caused it (its callback_logs row)
  chat: string; // the admin chat, or the payer's chat
}

const COLUMNS = "(c2b_payment_id, notification_type, recipient, status, event_key, request_id, payment_receipt, attempts, next_attempt_at)";

// A new payment's alert and its receipt carry the receipt: uq_notifications_receipt then keeps one of each per
// receipt across families (an STK payment to a PayBill with C2B URLs arrives as both, SPEC §4.5).
const PAYMENT_RECEIPT = "CASE WHEN (e.kind = 'admin' AND e.event_key = 'status:Paid') OR e.kind = 'receipt' THEN c.trans_id END";

// The events as a derived table joined to their payments; an event whose payment is not stored queues nothing.
// SQLite needs the WHERE to parse ON CONFLICT after a join.
function insertC2bEvents(dialect: Dialect, events: readonly C2bEvent[]): SqlStatement {
  const rest = " UNION ALL SELECT ?,?,?,?,?".repeat(events.length - 1);
  const sql = `INSERT INTO notifications ${COLUMNS}
    SELECT c.id, e.kind, e.chat, 'pending', e.event_key, e.request_id, ${PAYMENT_RECEIPT}, 0, ${utcNowSql(dialect)}
    FROM (SELECT ? AS k, ? AS kind, ? AS event_key, ? AS request_id, ? AS chat${rest}) e JOIN c2b_payments c ON c.trans_id = e.k
    WHERE e.chat IS NOT NULL${onDuplicateSkip(dialect)}`;
  return { sql, values: events.flatMap((e) => [e.transId, e.kind, e.eventKey, e.requestId, e.chat]) };
}

/** The statements that queue C2B notifications (none when there are none), to run after the payments' rows. */
export function c2bOutboxStatements(dialect: Dialect, events: readonly C2bEvent[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) statements.push(insertC2bEvents(dialect, events.slice(i, i + EVENTS_PER_STATEMENT)));
  return statements;
}
