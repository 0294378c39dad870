// The confirmer's statements on `transactions`: find successes due for a check, claim one under a lease, record the result.
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import type { Verdict } from "../store/verdict-sql.ts";
import { plusValue, utcPlusSql } from "../store/db-clock.ts";
import type { NotifyTargets } from "../notify/notification-plan.ts";
import { queueVerdictNotifications } from "./verdict-notifications.ts";
import { txOptionsFor } from "../store/batch-runner.ts";
import { classifyFailure } from "../store/db-errors.ts";

export interface DueCheck {
  id: number;
  checkoutRequestId: string;
  attempts: number; // verify_attempts before this claim
  expired: boolean; // older than the confirmation's time limit
}

/** Successes waiting for Daraja whose next check is due (the first one `firstDelayMs` after the callback). */
export async function findDue(db: Database, o: { limit: number; firstDelayMs: number; maxAgeMs: number }): Promise<DueCheck[]> {
  const d = db.dialect;
  const at = utcPlusSql(d); // the database's clock (UTC), so that every process agrees on what is due
  const rows = await db.sequelize.query<Record<string, unknown>>(
    `SELECT id, checkout_request_id, verify_attempts, CASE WHEN created_at <= ${at} THEN 1 ELSE 0 END AS expired
     FROM transactions
     WHERE status = 'Success' AND verdict = 'pending'
       AND ((verify_next_at IS NULL AND created_at <= ${at}) OR verify_next_at <= ${at})
     ORDER BY verify_next_at, id LIMIT ${Math.max(1, Math.floor(o.limit))}`,
    { type: QueryTypes.SELECT, replacements: [plusValue(d, -Math.max(0, o.maxAgeMs)), plusValue(d, -Math.max(0, o.firstDelayMs)), plusValue(d, 0)] },
  );
  return rows.map((r) => ({ id: Number(r.id), checkoutRequestId: String(r.checkout_request_id), attempts: Number(r.verify_attempts), expired: Number(r.expired) === 1 }));
}

async function update(db: Database, sql: string, replacements: unknown[]): Promise<boolean> {
  const [, affected] = (await db.sequelize.query(sql, { replacements, type: QueryTypes.UPDATE })) as unknown as [unknown, number];
  return affected > 0;
}

/**
 * Claims a row for one query: bumps the attempt count and pushes the next check past the lease. Only one of several
 * processes that found the same row gets it (the count they saw has moved for the others). False: someone else has it.
 * The claim is its own committed statement, before any query to Daraja; on Galera, two nodes' claims of one row meet
 * at COMMIT (certification) and the loser's 1213 means the same as a count that moved.
 */
export function claimCheck(db: Database, row: DueCheck, leaseMs: number): Promise<boolean> {
  return update(db,
    `UPDATE transactions SET verify_attempts = verify_attempts + 1, verify_next_at = ${utcPlusSql(db.dialect)}
     WHERE id = ? AND verify_attempts = ? AND verdict = 'pending' AND status = 'Success'`,
    [plusValue(db.dialect, Math.max(0, leaseMs)), row.id, row.attempts])
    .catch((e: unknown) => (classifyFailure(e) === "transient" ? false : Promise.reject(e)));
}

/**
 * Sets the verdict, while the claim (attempt `attempts + 1`) is still ours, and queues what it tells people (the
 * receipt on `verified`, an admin alert on `mismatch` or `unverifiable`) in the same transaction: both or neither.
 */
export function recordVerdict(db: Database, row: DueCheck, verdict: Verdict, detail: string, notify?: NotifyTargets): Promise<boolean> {
  return db.sequelize.transaction(txOptionsFor(db), async (transaction) => {
    const [, affected] = (await db.sequelize.query(
      "UPDATE transactions SET verdict = ?, verdict_detail = ?, verify_next_at = NULL WHERE id = ? AND verify_attempts = ? AND verdict = 'pending'",
      { replacements: [verdict, detail.slice(0, 255), row.id, row.attempts + 1], type: QueryTypes.UPDATE, transaction })) as unknown as [unknown, number];
    if (affected === 0) return false;
    await queueVerdictNotifications(db, transaction, row.checkoutRequestId, verdict, notify);
    return true;
  });
}

/** Schedules the next check after `delayMs`, while the claim is still ours. */
export function scheduleRetry(db: Database, row: DueCheck, delayMs: number, detail: string): Promise<boolean> {
  return update(db,
    `UPDATE transactions SET verify_next_at = ${utcPlusSql(db.dialect)}, verdict_detail = ? WHERE id = ? AND verify_attempts = ? AND verdict = 'pending'`,
    [plusValue(db.dialect, Math.max(0, delayMs)), detail.slice(0, 255), row.id, row.attempts + 1]);
}
