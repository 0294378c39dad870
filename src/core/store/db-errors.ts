// Classifies database failures by driver code (never by message text): what to retry, what means "unreachable".
import { BaseError, ConnectionError, TimeoutError, UniqueConstraintError } from "sequelize";

export type FailureKind = "unavailable" | "transient" | "conflict" | "row";

// The database is gone, read-only or full: nothing about this batch is wrong, so no row is to blame.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT", "ER_OPTION_PREVENTS_STATEMENT", "ER_READ_ONLY_MODE", "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN", "ER_RECORD_FILE_FULL",
  // The server ran out of something all its clients share (prepared statements: max_prepared_stmt_count; memory):
  // no row is to blame, and quarantining every callback meanwhile would set valid payments aside.
  "ER_MAX_PREPARED_STMT_COUNT_REACHED", "ER_OUT_OF_RESOURCES", "ER_OUTOFMEMORY",
  // Galera's 1047 "WSREP has not yet prepared node for application use": this node is out of the cluster (the pool
  // moves to another, database.ts); spooled meanwhile rather than retried here, so a callback is never quarantined
  // for a node's state.
  "ER_UNKNOWN_COM_ERROR",
  // 1180, a COMMIT the server could not complete: on Galera, a node that lost the cluster's primary component ("Error
  // while appending streaming replication fragment (provider status: Not connected to Primary Component)", seen in
  // test/cluster with two of three nodes down). Nothing about the batch is wrong: quarantined, a paid callback would
  // be set aside as if it were bad; spooled, it is stored once the cluster has a primary component again.
  "ER_ERROR_DURING_COMMIT",
  "SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN",
  "SQLITE_NOTADB", "SQLITE_CORRUPT",
]);
// Another writer got in the way: the same batch will succeed when tried again. On Galera a write conflict between
// nodes (certification) is also 1213 ER_LOCK_DEADLOCK, raised at COMMIT: the whole transaction is tried again.
const TRANSIENT_CODES = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "SQLITE_BUSY", "SQLITE_LOCKED"]);

// A unique key met: another writer stored the same payment first (or one row collides with another).
const DUPLICATE_CODES = new Set(["ER_DUP_ENTRY", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

function driverCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { original?: unknown; parent?: unknown; cause?: unknown }).original
      ?? (cur as { parent?: unknown }).parent ?? (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyFailure(e: unknown): FailureKind {
  if (e instanceof ConnectionError || e instanceof TimeoutError) return "unavailable";
  const code = driverCode(e);
  if (code && [...UNAVAILABLE_CODES].some((c) => code === c || code.startsWith(`${c}_`))) return "unavailable";
  if (code && [...TRANSIENT_CODES].some((c) => code === c || code.startsWith(`${c}_`))) return "transient";
  if (e instanceof UniqueConstraintError || (code && DUPLICATE_CODES.has(code))) return "conflict";
  // The database refused this batch's data (a constraint, a value out of range): some row is to blame.
  if (e instanceof BaseError || (code && (code.startsWith("ER_") || code.startsWith("SQLITE_")))) return "row";
  return "unavailable"; // a non-database error (socket, driver bug): do not blame a row for it
}

/** The driver's own words, without sequelize's wrapping. */
export function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const parent = (e as { parent?: unknown; original?: unknown }).original ?? (e as { parent?: unknown }).parent;
  return parent instanceof Error && parent.message ? parent.message : e.message;
}
