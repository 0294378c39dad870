// Confirms successes with Daraja (issue 7 item 4): claims due rows under a lease, queries, sets the verdict or retries.
import type { Database } from "../store/database.ts";
import { reason } from "../store/database.ts";
import { createStkQueryClient, type StkQueryAnswer } from "../daraja-api/stk-query.ts";
import { claimCheck, findDue, recordVerdict, scheduleRetry, type DueCheck } from "./confirm-sql.ts";
import { decideConfirmation } from "./confirm-policy.ts";
import type { NotifyTargets } from "../notify/notification-plan.ts";
import { createNap } from "../nap.ts";
import { NO_METRICS, type MetricsRecorder } from "../metrics/recorder.ts";
import { confirmOptions, type ConfirmOptions, type ConfirmerConfig, type ConfirmLogger, type VerdictEvent } from "./confirm-options.ts";

export type { ConfirmOptions, ConfirmerConfig, ConfirmLogger, VerdictEvent } from "./confirm-options.ts";

export interface Confirmer {
  /** One pass: claims the due rows (up to batchSize), queries each, records the outcome; returns how many were queried. */
  runOnce(): Promise<number>;
  /** Claims nothing more, waits for the queries in flight, closes the HTTP client. */
  stop(): Promise<void>;
}

export function startConfirmer(o: { db: Database; config: ConfirmerConfig; logger: ConfirmLogger; notify?: NotifyTargets; options?: Partial<ConfirmOptions>; metrics?: MetricsRecorder }): Confirmer {
  const opts = confirmOptions(o.options);
  const metrics = o.metrics ?? NO_METRICS;
  const client = createStkQueryClient(o.config, { ratePerSecond: o.config.ratePerSecond, timeoutMs: o.config.timeoutMs });
  const query = async (id: string) => {
    const answer = await client.query(id);
    metrics.darajaQuery("confirm", answer.kind);
    return answer;
  };
  const pass = (): Promise<number> => runPass({ db: o.db, query, logger: o.logger, notify: o.notify, opts, metrics });
  let stopping = false;
  const nap = createNap(); // stop() cuts a pause short
  async function loop(): Promise<void> {
    while (!stopping) {
      const done = await pass().catch((e: unknown) => {
        o.logger.warn(`confirmation: cannot read or update transactions: ${reason(e)}`);
        return 0;
      });
      if (done < opts.batchSize && !stopping) await nap.sleep(opts.pollMs);
    }
  }
  const running = opts.loop ? loop() : Promise.resolve();
  let stopped: Promise<void> | null = null;
  return {
    runOnce: pass,
    stop() {
      stopping = true;
      nap.wake();
      stopped ??= running.then(() => client.close()); // a second stop() waits for the first
      return stopped;
    },
  };
}

interface Pass {
  db: Database;
  query(checkoutRequestId: string): Promise<StkQueryAnswer>;
  logger: ConfirmLogger;
  notify?: NotifyTargets; // who hears of a verdict (queued with it): the payer's receipt, the admin's alert
  opts: ConfirmOptions;
  metrics: MetricsRecorder;
}

async function runPass(p: Pass): Promise<number> {
  const due = await findDue(p.db, { limit: p.opts.batchSize, firstDelayMs: p.opts.firstDelayMs, maxAgeMs: p.opts.maxAgeMs });
  const results = await Promise.all(due.map((row) => checkOne(p, row)));
  return results.filter(Boolean).length;
}

// False when another process claimed the row first.
async function checkOne(p: Pass, row: DueCheck): Promise<boolean> {
  if (!(await claimCheck(p.db, row, p.opts.leaseMs))) return false;
  const answer = await p.query(row.checkoutRequestId);
  const decision = decideConfirmation(answer, row.attempts + 1, row.expired, p.opts);
  const id = row.checkoutRequestId;
  if (decision.action === "retry") {
    if (!(await scheduleRetry(p.db, row, decision.delayMs, decision.detail))) p.logger.warn(`confirmation: lost the claim on ${id} (its lease ran out)`);
    else p.logger.debug(`confirmation: ${id} ${decision.detail}; next query in ${decision.delayMs} ms`);
    return true;
  }
  if (!(await recordVerdict(p.db, row, decision.verdict, decision.detail, p.notify))) {
    p.logger.warn(`confirmation: lost the claim on ${id} (its lease ran out): verdict ${decision.verdict} not recorded`);
    return true;
  }
  p.metrics.confirmVerdict(decision.verdict);
  const line = `confirmation: ${id} is ${decision.verdict} (${decision.detail})`;
  if (decision.verdict === "verified") p.logger.info(line);
  else p.logger.warn(line);
  try {
    await p.opts.onVerdict?.({ id: row.id, checkoutRequestId: id, verdict: decision.verdict, detail: decision.detail });
  } catch (e) {
    p.logger.warn(`confirmation: the verdict hook failed for ${id}: ${reason(e)}`);
  }
  return true;
}
