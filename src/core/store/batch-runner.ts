// Every family's batch writes under one discipline: transient failures retried with jittered backoff, a concurrent
// insert of the same key read again, an unreachable database reported (the caller spools), and a row the database
// refuses isolated by halving the batch in order, then kept for review alone ("quarantined").
import { backoffMs } from "../backoff.ts";
import { AppError } from "../errors.ts";
import { classifyFailure } from "./db-errors.ts";
import { reason, type Database } from "./database.ts";
import { insertLogsSql, logValues, problemsOfItem } from "./callback-log-sql.ts";
import { runSql } from "./raw-sql.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";
import { Transaction } from "sequelize";

const MAX_ATTEMPTS = 6;

export interface BatchRunner<I> {
  db: Database;
  /** One try at the whole batch in one transaction (txOptionsFor); `attempt` counts from 1. */
  writeOnce(items: readonly I[], attempt: number): Promise<string[]>;
}

/** MySQL connections run READ COMMITTED (see database.ts); SQLite takes its write lock first, so two processes never
 * deadlock upgrading a read lock. */
export function txOptionsFor(db: Database): { type?: Transaction.TYPES } {
  return db.dialect === "mysql" ? {} : { type: Transaction.TYPES.IMMEDIATE };
}

export async function writeWithRetries<I extends IngestItem<unknown>>(r: BatchRunner<I>, items: readonly I[]): Promise<string[]> {
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await r.writeOnce(items, attempt);
    } catch (e) {
      const kind = classifyFailure(e);
      if (kind === "unavailable") throw unavailable(r.db, e);
      // "conflict": another process inserted the same key first; reading again sees it. Counted apart from the
      // transient failures: on Galera a certification failure (1213) often comes first, and the duplicate's
      // conflict after it still deserves its one reading again, not a quarantine.
      const retry = kind === "transient" ? attempt < MAX_ATTEMPTS : kind === "conflict" && ++conflicts < 2;
      if (retry) {
        await Bun.sleep(backoffMs(attempt, { baseMs: 2, maxMs: 50 }) * Math.random()); // full jitter: racing writers part
        continue;
      }
      // Still waiting on another writer's locks (one that vanished holds them until the server ends its transaction):
      // no row is to blame, so the batch goes to the spool, never to quarantine.
      if (kind === "transient") throw unavailable(r.db, e);
      if (items.length === 1) return [await quarantine(r, items[0] as I, e).catch((qe) => { throw unavailable(r.db, qe); })];
      const mid = Math.ceil(items.length / 2); // halves in order keep one-by-one semantics
      return [...(await writeWithRetries(r, items.slice(0, mid))), ...(await writeWithRetries(r, items.slice(mid)))];
    }
  }
}

// A row the database refuses even alone: keep its raw body for review, in a transaction of its own.
async function quarantine<I extends IngestItem<unknown>>(r: BatchRunner<I>, item: I, cause: unknown): Promise<string> {
  const problems = [...problemsOfItem(item), { path: "(database)", message: reason(cause) }];
  await r.db.sequelize.transaction(txOptionsFor(r.db), (transaction) =>
    runSql(r.db.dialect, transaction, insertLogsSql(1), logValues(item, "quarantined", problems)));
  return "quarantined";
}

export function unavailable(db: Database, cause: unknown): AppError {
  return new AppError("database", `the database ${db.description} cannot take callbacks: ${reason(cause)}`, { cause });
}
