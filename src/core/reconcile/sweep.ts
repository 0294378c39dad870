// The reconciliation inside `serve` (MPESA_CB_RECONCILE=on): a pass every MPESA_CB_RECONCILE_INTERVAL_S, with the
// same Daraja client (undici, OAuth cache, rate limit) as the confirmer; runOnce() for tests, stop() on shutdown.
import type { Database } from "../store/database.ts";
import { reason } from "../store/database.ts";
import type { NotifyTargets } from "../notify/notification-plan.ts";
import { createStkQueryClient, type DarajaCredentials, type StkQueryAnswer } from "../daraja-api/stk-query.ts";
import { startPeriodic } from "../periodic.ts";
import { runReconcile, type ReconcileItem, type ReconcileReport } from "./reconcile.ts";
import type { ReconcileSettings } from "./reconcile-settings.ts";

export interface SweepConfig {
  confirm: DarajaCredentials & { ratePerSecond?: number }; // Config["confirm"]: the credentials and the query rate
  reconcile: ReconcileSettings; // Config["reconcile"] once config.ts has it; parseReconcileSettings(env) until then
}

export interface SweepLogger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface ReconcileSweep {
  /** One pass now (waits for a pass in progress first): what it found and did. */
  runOnce(): Promise<ReconcileReport>;
  /** No further pass; waits for the one in progress; closes the HTTP client. */
  stop(): Promise<void>;
}

export interface SweepOptions {
  db: Database;
  config: SweepConfig;
  logger: SweepLogger;
  notify: NotifyTargets;
  onResult?: (item: ReconcileItem) => void; // each payment a pass settles or leaves, e.g. for metrics
  onQuery?: (answer: StkQueryAnswer["kind"]) => void; // each Daraja answer (final, pending, throttled, error), e.g. for metrics
  firstDelayMs?: number; // the first pass after start (default 30 s: the server has started and replayed its spool)
  loop?: boolean; // default: config.reconcile.enabled; false: only runOnce() (tests)
}

export function startReconcileSweep(o: SweepOptions): ReconcileSweep {
  const client = createStkQueryClient(o.config.confirm, { ratePerSecond: o.config.confirm.ratePerSecond });
  const once = async (): Promise<ReconcileReport> => {
    const query = async (id: string): Promise<StkQueryAnswer> => {
      const answer = await client.query(id);
      o.onQuery?.(answer.kind);
      return answer;
    };
    const report = await runReconcile({ db: o.db, query, notify: o.notify, afterMs: o.config.reconcile.afterMs, maxAgeMs: o.config.reconcile.maxAgeMs,
      expiredWithinMs: o.config.reconcile.intervalMs, onResult: o.onResult });
    logReport(o.logger, report);
    return report;
  };
  // Passes run one after the other, never two at once.
  const passes = startPeriodic({
    run: once, firstDelayMs: o.firstDelayMs ?? 30_000, intervalMs: o.config.reconcile.intervalMs, loop: o.loop ?? o.config.reconcile.enabled,
    onError: (e) => o.logger.warn(`reconcile: cannot read or update the payments: ${reason(e)}`),
  });
  let stopped: Promise<void> | null = null;
  return {
    runOnce: passes.runOnce,
    stop() {
      stopped ??= passes.stop().then(() => client.close());
      return stopped;
    },
  };
}

function logReport(logger: SweepLogger, r: ReconcileReport): void {
  for (const i of r.items) {
    const line = `reconcile: ${i.checkoutRequestId}: ${i.detail}`;
    if (i.result === "recovered" || i.result === "conflict" || i.result === "unreachable" || i.result === "expired") logger.warn(line);
    else logger.debug(line);
  }
  if (r.checked > 0) logger.info(`reconcile: ${summaryLine(r)}`);
}

/** One line: what a pass checked and did (the CLI prints it too). */
export function summaryLine(r: ReconcileReport): string {
  const parts = [`checked ${r.checked}`, `recovered ${r.recovered}`, `conflicts ${r.conflicts}`, `already settled ${r.alreadyFinal}`, `unresolved ${r.unresolved}`,
    ...(r.expired > 0 ? [`of which expired ${r.expired} (no longer asked about)`] : [])];
  return `${r.dryRun ? "dry run (nothing written): " : ""}${parts.join(", ")}`;
}
