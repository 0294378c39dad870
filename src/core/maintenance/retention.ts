// MPESA_CB_RETENTION_DAYS inside serve: the purge once a day (first a while after start, so that a restart loop does
// not run it each time), one run at a time; a failure is logged and tried again the next day.
import type { ConsolaInstance } from "consola";
import type { Database } from "../store/database.ts";
import { purgePersonalData, type PurgeReport } from "./purge.ts";
import { describePurge } from "./purge-text.ts";
import { startPeriodic } from "../periodic.ts";

export interface RetentionOptions {
  db: Database;
  days: number; // MPESA_CB_RETENTION_DAYS
  logger: ConsolaInstance;
  intervalMs?: number; // default: a day
  firstDelayMs?: number; // default: 10 minutes
}

export interface Retention {
  /** One purge now (after the one running, if any); null when it failed (logged). */
  runOnce(): Promise<PurgeReport | null>;
  /** No further runs; waits for the one running. */
  stop(): Promise<void>;
}

export function startRetention(o: RetentionOptions): Retention {
  let stopped = false;

  async function purge(): Promise<PurgeReport | null> {
    if (stopped) return null;
    try {
      const report = await purgePersonalData({ db: o.db, olderThanDays: o.days });
      if (report.total > 0) o.logger.info(`retention (${o.days} days): ${describePurge(report)}`);
      else o.logger.debug(`retention (${o.days} days): nothing older than ${report.cutoff} left to purge`);
      return report;
    } catch (e) { // logged, not thrown: runOnce() answers null, and the timer tries again the next day
      o.logger.warn(`retention (${o.days} days) failed, trying again in a day: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
  const runs = startPeriodic({ run: purge, firstDelayMs: o.firstDelayMs ?? 600_000, intervalMs: o.intervalMs ?? 86_400_000, loop: true, onError: () => {} }); // purge never rejects
  return {
    runOnce: runs.runOnce,
    stop() {
      stopped = true;
      return runs.stop();
    },
  };
}
