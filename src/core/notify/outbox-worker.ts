// Delivers outbox rows: claims due rows under a lease, sends each, records the result (DESIGN.md promise 5).
import type { ConsolaInstance } from "consola";
import type { ClaimedNotification, OutboxQueue } from "../store/outbox-queue.ts";
import type { OutboxView } from "./notification-view.ts";
import type { TelegramClient } from "./telegram.ts";
import { decideDelivery, type RetryPolicy, type Verdict } from "./delivery-policy.ts";
import { reason } from "../store/database.ts";
import { maskDigits } from "./log-text.ts";
import { OutboxHealthLog } from "./outbox-health-log.ts";
import { TokenBucket } from "../token-bucket.ts";
import { backoffMs } from "../backoff.ts";
import { createNap } from "../nap.ts";
import { NO_METRICS, type MetricsRecorder } from "../metrics/recorder.ts";

export interface WorkerOptions {
  queue: OutboxQueue;
  telegram: TelegramClient;
  render(view: OutboxView): string;
  owner: string; // this worker's name in claimed_by
  batchSize: number; // rows claimed (and sent concurrently) at once
  pollMs: number; // how often an idle worker looks for due rows
  leaseMs: number; // how long a claim holds: longer than a send may take, so that it never runs out mid-send
  sendTimeoutMs: number;
  maxPerSecond: number; // sends started per second, at most (Telegram allows a bot about 30)
  policy: RetryPolicy;
  logger: ConsolaInstance;
  metrics?: MetricsRecorder; // each attempt's result and send time (default: none)
}

// A send starts only if it and the recording of its result fit in what is left of the lease.
const LEASE_MARGIN_MS = 1_000;

export class OutboxWorker {
  readonly #o: WorkerOptions;
  readonly #log: OutboxHealthLog;
  readonly #metrics: MetricsRecorder;
  readonly #pacer: TokenBucket; // below Telegram's limit for a bot, instead of running into 429s
  readonly #loop: Promise<void>;
  #stopping = false;
  #pausedUntil = 0; // Telegram's retry_after holds for the bot, not only for the row that met it
  readonly #nap = createNap(); // stop() cuts a pause short

  constructor(options: WorkerOptions) {
    if (options.leaseMs < options.sendTimeoutMs + 2 * LEASE_MARGIN_MS) throw new Error("the outbox lease must outlast a send by 2 s");
    this.#o = options;
    this.#log = new OutboxHealthLog(options.logger);
    this.#metrics = options.metrics ?? NO_METRICS;
    this.#pacer = new TokenBucket({ perSecond: options.maxPerSecond, burst: options.batchSize });
    this.#loop = this.#run();
  }

  /** Claims nothing more, waits for the sends in flight (each bounded by its timeout); unsent claims are given back. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#nap.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.#step();
      } catch (e) {
        // A bug must not end the worker silently: say so, and go on after a pause.
        this.#o.logger.error(`the outbox worker failed: ${maskDigits(reason(e))}`);
        await this.#pause(Math.max(this.#o.pollMs, 1_000));
      }
    }
  }

  async #step(): Promise<void> {
    if (this.#pausedUntil > Date.now()) return this.#pause(this.#pausedUntil - Date.now());
    const allowed = this.#pacer.take(this.#o.batchSize);
    if (allowed === 0) return this.#pause(this.#pacer.waitMs());
    const deadline = Date.now() + this.#o.leaseMs;
    let rows: ClaimedNotification[] = [];
    try {
      rows = await this.#o.queue.claim(this.#o.owner, allowed, this.#o.leaseMs);
      this.#log.database(null);
    } catch (e) {
      this.#log.database(e);
      return this.#pause(Math.max(this.#o.pollMs, 1_000));
    } finally {
      this.#pacer.giveBack(allowed - rows.length);
    }
    if (rows.length === 0) return this.#pause(this.#o.pollMs);
    await Promise.all(rows.map((row) => this.#deliver(row, deadline)));
  }

  async #deliver(row: ClaimedNotification, deadline: number): Promise<void> {
    const o = this.#o;
    if (this.#stopping || Date.now() + o.sendTimeoutMs + LEASE_MARGIN_MS > deadline) {
      await o.queue.release([row.id], o.owner).catch(() => {}); // else its lease runs out and it is claimed again
      return;
    }
    let text: string;
    try {
      text = o.render(row.view);
    } catch (e) {
      this.#metrics.outboxDelivery("failed", null);
      return this.#record(row, { action: "failed", error: `cannot render the message: ${reason(e)}` }, null);
    }
    const started = performance.now();
    const answer = await o.telegram.send(row.recipient, text);
    const verdict = decideDelivery(answer, row.attempts + 1, o.policy);
    this.#metrics.outboxDelivery(verdict.action, (performance.now() - started) / 1000);
    if (verdict.action === "retry" && verdict.rateLimited) this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + verdict.delayMs);
    this.#log.telegram(verdict);
    if (verdict.action === "failed") o.logger.warn(`notification ${row.id} (${row.view.kind}) failed: ${maskDigits(verdict.error)}`);
    await this.#record(row, verdict, text);
  }

  // The result must reach the database: a row sent but not marked would be sent again once its lease ran out.
  async #record(row: ClaimedNotification, verdict: Verdict, text: string | null): Promise<void> {
    const { queue, owner, logger } = this.#o;
    for (let attempt = 1; ; attempt++) {
      try {
        const held = verdict.action === "sent" ? await queue.markSent(row.id, owner, verdict.messageId, text ?? "")
          : verdict.action === "retry" ? await queue.markRetry(row.id, owner, verdict.delayMs, verdict.error)
          : await queue.markFailed(row.id, owner, verdict.error, text);
        if (!held) logger.warn(`notification ${row.id}: its claim ran out before its result was recorded`);
        return;
      } catch (e) {
        if (attempt >= 8) return void logger.error(`notification ${row.id}: cannot record its result (${reason(e)}); it will be tried again`);
        await Bun.sleep(backoffMs(attempt, { baseMs: 200, maxMs: 5_000 }));
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return this.#stopping ? Promise.resolve() : this.#nap.sleep(ms);
  }
}
