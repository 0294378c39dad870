// MPESA_CB_RETENTION_DAYS inside serve: the purge once a day (first a while after start, so that a restart loop does
// not run it each time), one run at a time; a failure is logged and tried again the next day.
import type { ConsolaInstance } from "consola";
import type { Database } from "../store/database.ts";
import { purgePersonalData, type PurgeReport } from "./purge.ts";
import { describePurge } from "./purge-text.ts";

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
  let running: Promise<PurgeReport | null> = Promise.resolve(null);

  async function purge(): Promise<PurgeReport | null> {
    if (stopped) return null;
    try {
      const report = await purgePersonalData({ db: o.db, olderThanDays: o.days });
      if (report.total > 0) o.logger.info(`retention (${o.days} days): ${describePurge(report)}`);
      else o.logger.debug(`retention (${o.days} days): nothing older than ${report.cutoff} left to purge`);
      return report;
    } catch (e) {
      o.logger.warn(`retention (${o.days} days) failed, trying again in a day: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
  const runOnce = () => (running = running.then(purge));

  let timer: ReturnType<typeof setTimeout> = setTimeout(function tick() {
    void runOnce().finally(() => {
      if (!stopped) timer = setTimeout(tick, o.intervalMs ?? 86_400_000);
    });
  }, o.firstDelayMs ?? 600_000);

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
