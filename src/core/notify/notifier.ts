// Runs the Telegram notifications of `serve`: the outbox worker, and the status that /health reports.
import type { ConsolaInstance } from "consola";
import { hostname } from "node:os";
import type { Config } from "../config.ts";
import type { Database } from "../store/database.ts";
import { reason } from "../store/database.ts";
import { withTimeout } from "../with-timeout.ts";
import { createOutboxQueue, type OutboxStats } from "../store/outbox-queue.ts";
import { createTelegramClient, type ProbeResult } from "./telegram.ts";
import { renderNotification } from "./messages.ts";
import { OutboxWorker } from "./outbox-worker.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./delivery-policy.ts";
import type { MetricsRecorder } from "../metrics/recorder.ts";

export interface NotifierTuning {
  batchSize: number;
  pollMs: number;
  sendTimeoutMs: number;
  leaseMs: number;
  maxPerSecond: number;
  policy: RetryPolicy;
  probeTimeoutMs: number; // getMe for /health
  probeCacheMs: number; // /health asks Telegram at most this often
}

export const DEFAULT_TUNING: NotifierTuning = Object.freeze({
  batchSize: 10, pollMs: 250, sendTimeoutMs: 10_000, leaseMs: 60_000, maxPerSecond: 25, policy: DEFAULT_RETRY_POLICY,
  probeTimeoutMs: 3_000, probeCacheMs: 30_000,
});

export interface NotifierStatus {
  telegram: { status: "up" | "down" | "disabled"; error?: string };
  outbox: OutboxStats | { error: string };
}

export interface Notifier {
  stop(): Promise<void>;
  status(): Promise<NotifierStatus>;
  /** The outbox counts alone (no Telegram probe), bounded like /health's: for the metrics scrape. */
  outboxStats(): Promise<OutboxStats | { error: string }>;
}

export interface NotifierOptions {
  db: Database;
  config: Pick<Config, "telegram"> & Partial<Pick<Config, "results">>; // results: the low-balance threshold the alert names
  logger: ConsolaInstance;
  tuning?: Partial<NotifierTuning>;
  metrics?: MetricsRecorder; // each delivery attempt and its send time
}

export function startNotifier({ db, config, logger, tuning, metrics }: NotifierOptions): Notifier {
  const t = { ...DEFAULT_TUNING, ...tuning };
  const queue = createOutboxQueue(db);
  // Bounded like the database check of /health: a database that hangs must not hang the health answer.
  const outbox = () => withTimeout(queue.stats(), t.probeTimeoutMs).catch((e: unknown) => ({ error: reason(e) }));
  const { token, adminChatId, apiRoot, adminShowPhone } = config.telegram;
  if (!token) {
    logger.info("notifications disabled: TELEGRAM_BOT_TOKEN is not set");
    return { stop: async () => {}, status: async () => ({ telegram: { status: "disabled" }, outbox: await outbox() }), outboxStats: outbox };
  }
  if (!adminChatId) logger.warn("ADMIN_CHAT_ID is not set: no admin alerts, only receipts to payers");
  const worker = new OutboxWorker({
    queue, telegram: createTelegramClient({ token, apiRoot, timeoutMs: t.sendTimeoutMs }),
    render: (view) => renderNotification(view, { showPhone: adminShowPhone, lowBalanceCents: config.results?.lowBalanceCents ?? null }),
    owner: `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`.slice(0, 80),
    batchSize: t.batchSize, pollMs: t.pollMs, leaseMs: t.leaseMs, sendTimeoutMs: t.sendTimeoutMs, maxPerSecond: t.maxPerSecond,
    policy: t.policy, logger, metrics,
  });
  const probe = cachedProbe(createTelegramClient({ token, apiRoot, timeoutMs: t.probeTimeoutMs }).getMe, t.probeCacheMs);
  return {
    stop: () => worker.stop(),
    outboxStats: outbox,
    async status() {
      const [me, stats] = await Promise.all([probe(), outbox()]);
      return { telegram: me.ok ? { status: "up" } : { status: "down", error: me.error }, outbox: stats };
    },
  };
}

/** getMe at most once per `ttlMs`; callers at the same moment share one request. */
function cachedProbe(getMe: () => Promise<ProbeResult>, ttlMs: number): () => Promise<ProbeResult> {
  let cached: { at: number; result: Promise<ProbeResult> } | null = null;
  return () => {
    if (cached === null || Date.now() - cached.at > ttlMs) cached = { at: Date.now(), result: getMe() };
    return cached.result;
  };
}
