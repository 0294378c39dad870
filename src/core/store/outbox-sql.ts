// Queues notifications inside the callback transaction (INSERT … SELECT, so no round trip for ids).
import type { Dialect } from "./database.ts";
import { utcNowSql } from "./db-clock.ts";
import type { OutboxEvent } from "../notify/notification-plan.ts";
import type { SqlStatement } from "./raw-sql.ts";

export type { SqlStatement } from "./raw-sql.ts";

// A second copy of an event meets a unique key and is skipped; any other error still fails the batch.
export function onDuplicateSkip(dialect: Dialect): string {
  return dialect === "mysql" ? " ON DUPLICATE KEY UPDATE id = notifications.id" : " ON CONFLICT DO NOTHING";
}

// The events as a derived table, so one statement finds each payment's id by its CheckoutRequestID.
function eventsTable(count: number): string {
  const rest = new Array(count - 1).fill(" UNION ALL SELECT ?,?,?,?").join("");
  return `(SELECT ? AS k, ? AS kind, ? AS event_key, ? AS request_id${rest}) e JOIN transactions t ON t.checkout_request_id = e.k`;
}

const COLUMNS = "(transaction_id, notification_type, recipient, status, checkout_request_id, event_key, request_id, payment_receipt, attempts, next_attempt_at)";

// A success's alert and its receipt carry the M-Pesa receipt: uq_notifications_receipt then keeps one of each per
// receipt across families (the same payment can also arrive as a C2B confirmation, SPEC §4.5). An alert whose
// success disagrees with our payment request (mismatch) carries none: it is a warning the admin must see even when
// the C2B confirmation of the same receipt already announced the payment.
const PAYMENT_RECEIPT = `CASE WHEN (e.kind = 'admin' AND e.event_key = 'status:Success' AND COALESCE(t.verdict, '') <> 'mismatch')
  OR e.kind = 'receipt' THEN t.mpesa_receipt_number END`;


// The payer: the active user who asked for this payment, else an active user with the payment's phone number as
// Daraja sends it (254…), else as people type it (+254…, 07…, 7…), in that order; the oldest user of a form wins.
// Each form is an equality lookup of its own, so the index on users.phone_number serves it: an IN list of the forms
// (outer references) made MariaDB read every user for every receipt whose payment request names no user.
function payerChatSql(dialect: Dialect): string {
  const cat = (...parts: string[]) => (dialect === "mysql" ? `CONCAT(${parts.join(", ")})` : parts.join(" || "));
  const last9 = dialect === "mysql" ? "RIGHT(t.phone_number, 9)" : "substr(t.phone_number, -9)";
  const byPhone = (form: string) => `(SELECT u.telegram_chat_id FROM users u
      WHERE u.phone_number = ${form} AND COALESCE(u.is_active, 1) <> 0 ORDER BY u.id LIMIT 1)`;
  const typed = [cat("'+'", "t.phone_number"), cat("'0'", last9), last9].map(byPhone).join(",\n    ");
  return `COALESCE(
    (SELECT u.telegram_chat_id FROM payment_requests pr JOIN users u ON u.id = pr.user_id
      WHERE pr.checkout_request_id = t.checkout_request_id AND COALESCE(u.is_active, 1) <> 0),
    ${byPhone("t.phone_number")},
    CASE WHEN LENGTH(t.phone_number) >= 9 THEN COALESCE(
    ${typed}) END)`;
}

/**
 * One statement for all of a batch's notifications (each statement costs the database more than its rows do).
 * Admin alerts go to the admin chat; a receipt to its payer, and a payer who cannot be found gets none — nor does a
 * success whose amount or phone disagrees with our request, or one still waiting for Daraja's confirmation.
 * SQLite needs the outer WHERE to parse ON CONFLICT after a join.
 */
export function insertEvents(dialect: Dialect, events: readonly OutboxEvent[], adminChatId: string | null): SqlStatement {
  const sql = `INSERT INTO notifications ${COLUMNS}
    SELECT x.id, x.kind, x.chat, 'pending', x.checkout_request_id, x.event_key, x.request_id, x.payment_receipt, 0, ${utcNowSql(dialect)}
    FROM (SELECT t.id, e.kind, CASE WHEN e.kind <> 'receipt' THEN ?
            WHEN COALESCE(t.verdict, '') IN ('mismatch', 'pending') THEN NULL ELSE ${payerChatSql(dialect)} END AS chat,
            t.checkout_request_id, e.event_key, e.request_id, ${PAYMENT_RECEIPT} AS payment_receipt
          FROM ${eventsTable(events.length)}) x
    WHERE x.chat IS NOT NULL${onDuplicateSkip(dialect)}`;
  return { sql, values: [adminChatId, ...events.flatMap(eventValues)] };
}

function eventValues(e: OutboxEvent): unknown[] {
  return [e.checkoutRequestId, e.kind, e.eventKey, e.requestId];
}

/** The statement that queues a batch's notifications (none when there are none), to run inside its transaction. */
export function outboxStatements(dialect: Dialect, events: readonly OutboxEvent[], adminChatId: string | null): SqlStatement[] {
  // SQLite allows at most 500 terms in a compound SELECT (the UNION ALL of events): a full batch of successes,
  // two events each, needs more than one statement.
  const statements: SqlStatement[] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) statements.push(insertEvents(dialect, events.slice(i, i + EVENTS_PER_STATEMENT), adminChatId));
  return statements;
}

export const EVENTS_PER_STATEMENT = 250;
