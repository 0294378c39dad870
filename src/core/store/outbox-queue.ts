// The worker's side of the outbox: claims due rows under a lease, records each result only while it holds the claim.
import { inList } from "./raw-sql.ts";
import { QueryTypes, Transaction } from "sequelize";
import type { Database } from "./database.ts";
import { plusValue, secondsSinceSql, utcNowSql, utcPlusSql } from "./db-clock.ts";
import { loadNotifications, type ClaimedNotification } from "./outbox-rows.ts";
import { classifyFailure } from "./db-errors.ts";

export type { ClaimedNotification } from "./outbox-rows.ts";

export interface OutboxStats {
  pending: number;
  oldestPendingAgeSeconds: number | null;
  failed: number;
}

export interface OutboxQueue {
  /** Claims up to `limit` due rows for `owner` until the lease ends, and reads what their messages need. */
  claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedNotification[]>;
  // Each returns false when the claim was lost (the lease ran out and another worker took the row).
  markSent(id: number, owner: string, messageId: number, text: string): Promise<boolean>;
  markRetry(id: number, owner: string, delayMs: number, error: string): Promise<boolean>;
  markFailed(id: number, owner: string, error: string, text: string | null): Promise<boolean>;
  /** Gives rows back untried, due at once (on stop). */
  release(ids: readonly number[], owner: string): Promise<void>;
  stats(): Promise<OutboxStats>;
}

export function createOutboxQueue(db: Database): OutboxQueue {
  const { sequelize, dialect } = db;
  const now = utcNowSql(dialect);
  const update = async (sql: string, replacements: unknown[]) =>
    ((await sequelize.query(sql, { replacements, type: QueryTypes.UPDATE })) as unknown as [unknown, number])[1] > 0;
  // Results are recorded only by the worker that still holds the claim.
  const mine = "WHERE id = ? AND claimed_by = ? AND status = 'pending'";
  const unclaim = "claimed_by = NULL, claimed_until = NULL";
  return {
    claim: async (owner, limit, leaseMs) => {
      // Another node's claim of the same rows committed first (Galera: 1213 at COMMIT): nothing is ours this time.
      const ids = await claimIds(db, owner, limit, leaseMs).catch((e: unknown) => (classifyFailure(e) === "transient" ? [] : Promise.reject(e)));
      return ids.length === 0 ? [] : loadNotifications(db, ids);
    },
    markSent: (id, owner, messageId, text) =>
      update(`UPDATE notifications SET status = 'sent', attempts = attempts + 1, telegram_message_id = ?, message = ?, sent_at = ${now}, ${unclaim} ${mine}`,
        [messageId, text, id, owner]),
    markRetry: (id, owner, delayMs, error) =>
      update(`UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ${utcPlusSql(dialect)}, error_message = ?, ${unclaim} ${mine}`,
        [plusValue(dialect, Math.max(0, delayMs)), error, id, owner]),
    markFailed: (id, owner, error, text) =>
      update(`UPDATE notifications SET status = 'failed', attempts = attempts + 1, error_message = ?, message = ?, ${unclaim} ${mine}`,
        [error, text, id, owner]),
    async release(ids, owner) {
      if (ids.length === 0) return;
      await sequelize.query(`UPDATE notifications SET ${unclaim} WHERE claimed_by = ? AND status = 'pending' AND id IN (${inList(ids.length)})`,
        { replacements: [owner, ...ids] });
    },
    stats: () => readStats(db),
  };
}

// Due: pending, its time has come, and no live claim on it. MySQL skips rows another worker is claiming at this
// moment (row locks, SKIP LOCKED) instead of waiting for them; SQLite has one writer at a time (IMMEDIATE). Row locks
// are a node's own on Galera: the UPDATE is therefore conditional on the row still being due, so of two nodes'
// claims only one can take a row (the other's commit fails certification, 1213, or changes nothing), and the ids
// returned are those this claim changed. Committed before the caller sends anything.
async function claimIds(db: Database, owner: string, limit: number, leaseMs: number): Promise<number[]> {
  const { sequelize, dialect } = db;
  const now = utcNowSql(dialect);
  const due = `status = 'pending' AND next_attempt_at <= ${now} AND (claimed_until IS NULL OR claimed_until <= ${now})`;
  const lock = dialect === "mysql" ? " FOR UPDATE SKIP LOCKED" : "";
  const txOptions = dialect === "mysql" ? {} : { type: Transaction.TYPES.IMMEDIATE };
  return sequelize.transaction(txOptions, async (transaction) => {
    const rows = await sequelize.query<{ id: number | string }>(
      `SELECT id FROM notifications WHERE ${due} ORDER BY next_attempt_at, id LIMIT ${Math.max(1, Math.floor(limit))}${lock}`,
      { type: QueryTypes.SELECT, transaction },
    );
    const ids = rows.map((r) => Number(r.id));
    if (ids.length === 0) return ids;
    const [, changed] = (await sequelize.query(
      `UPDATE notifications SET claimed_by = ?, claimed_until = ${utcPlusSql(dialect)} WHERE id IN (${inList(ids.length)}) AND ${due}`,
      { replacements: [owner, plusValue(dialect, Math.max(0, leaseMs)), ...ids], transaction, type: QueryTypes.UPDATE },
    )) as unknown as [unknown, number];
    if (changed === ids.length) return ids;
    // Some were taken meanwhile: keep those this claim holds (its own uncommitted writes are visible to it).
    const held = await sequelize.query<{ id: number | string }>(
      `SELECT id FROM notifications WHERE id IN (${inList(ids.length)}) AND claimed_by = ? AND status = 'pending' AND claimed_until > ${now}`,
      { replacements: [...ids, owner], type: QueryTypes.SELECT, transaction },
    );
    return held.map((r) => Number(r.id));
  });
}

// Only the outbox's own rows (they have an event key): the original server's history is not a backlog.
async function readStats(db: Database): Promise<OutboxStats> {
  const age = secondsSinceSql(db.dialect, "MIN(CASE WHEN status = 'pending' THEN created_at END)");
  const [row] = await db.sequelize.query<Record<string, number | string | null>>(
    `SELECT SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
       ${age} AS age FROM notifications WHERE status IN ('pending','failed') AND event_key IS NOT NULL`,
    { type: QueryTypes.SELECT },
  );
  const age0 = row?.age;
  return {
    pending: Number(row?.pending ?? 0), failed: Number(row?.failed ?? 0),
    oldestPendingAgeSeconds: age0 === null || age0 === undefined ? null : Math.max(0, Number(age0)),
  };
}
