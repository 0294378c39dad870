// Queues a Result-family row's notifications inside the result store's transaction (INSERT … SELECT by API and key, as
// the C2B outbox does by TransID). The store decides the events; this file only writes the rows.
import type { Dialect } from "./database.ts";
import { utcNowSql } from "./db-clock.ts";
import { EVENTS_PER_STATEMENT, onDuplicateSkip, type SqlStatement } from "./outbox-sql.ts";

/** One notification about a daraja_results row; with the row, the kind and the recipient, the event key names it. */
export interface ResultEvent {
  api: string;
  key: string; // the row's result_key
  kind: "admin" | "conflict";
  // admin: status:<Success|Failed|Timeout|Unknown>, low-balance:<Utility|Working>:<n>;
  // conflict: late-result, conflict:<n>, verdict:mismatch, verdict:unsolicited
  eventKey: string;
  requestId: string; // the callback that caused it (its callback_logs row)
  chat: string; // the admin chat
}

const COLUMNS = "(daraja_result_id, notification_type, recipient, status, event_key, request_id, attempts, next_attempt_at)";

// The events as a derived table joined to their rows; an event whose row is not stored queues nothing. A second copy
// of an event meets uq_notifications_result_event and is skipped. SQLite needs the WHERE to parse ON CONFLICT after a join.
function insertResultEvents(dialect: Dialect, events: readonly ResultEvent[]): SqlStatement {
  const rest = " UNION ALL SELECT ?,?,?,?,?,?".repeat(events.length - 1);
  const sql = `INSERT INTO notifications ${COLUMNS}
    SELECT r.id, e.kind, e.chat, 'pending', e.event_key, e.request_id, 0, ${utcNowSql(dialect)}
    FROM (SELECT ? AS api, ? AS k, ? AS kind, ? AS event_key, ? AS request_id, ? AS chat${rest}) e
      JOIN daraja_results r ON r.api = e.api AND r.result_key = e.k
    WHERE e.chat IS NOT NULL${onDuplicateSkip(dialect)}`;
  return { sql, values: events.flatMap((e) => [e.api, e.key, e.kind, e.eventKey, e.requestId, e.chat]) };
}

/** The statements that queue Result-family notifications (none when there are none), to run after the rows. */
export function resultOutboxStatements(dialect: Dialect, events: readonly ResultEvent[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) statements.push(insertResultEvents(dialect, events.slice(i, i + EVENTS_PER_STATEMENT)));
  return statements;
}
