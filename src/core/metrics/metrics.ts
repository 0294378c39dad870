// The Prometheus metrics of one running service: its own registry (several services may share a process), counters
// and histograms fed by the recorder calls, and gauges read when /metrics is scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { OutboxStats } from "../store/outbox-queue.ts";
import { withTimeout } from "../with-timeout.ts";
import { memo2, memo3 } from "./memo.ts";
import { Tally } from "./tally.ts";
import type { MetricsRecorder } from "./recorder.ts";

export const PREFIX = "mpesa_cb_";

/** What is read at scrape time, not counted as it happens. */
export interface ScrapeSources {
  spool?: () => { depth: number; oldestAgeSeconds: number | null };
  outbox?: () => Promise<OutboxStats | { error: string }>; // one cheap query per scrape (the one /health runs)
}

export interface Metrics extends MetricsRecorder {
  readonly contentType: string;
  /** Names what the scrape-time gauges read; until then they stay at 0. */
  readAtScrape(sources: ScrapeSources): void;
  /** The exposition text: the scrape-time gauges read first (the database query bounded by `scrapeTimeoutMs`). */
  render(): Promise<string>;
}

export interface MetricsOptions {
  version: string;
  scrapeTimeoutMs?: number; // default 2 s: a scrape never waits longer on the database
  callbackRoutes?: readonly { family: string; route: string }[]; // their alerting outcomes are shown at 0 from the start
}

// Series an alert watches with increase(): present at 0 from the start, so that their first event is an increase.
const ALERTED_OUTCOMES = ["quarantined", "unavailable"];

const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 5000]; // up to MPESA_CB_BATCH_MAX's maximum
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SEND_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions): Metrics {
  const registers = [new Registry()];
  const [register] = registers as [Registry];
  // Standard names (process_*, nodejs_*), so that stock Node.js dashboards work; ours all start with mpesa_cb_.
  collectDefaultMetrics({ register });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name: PREFIX + name, help, labelNames, registers });
  // Counted on every request: plain numbers, copied into the counter at scrape time.
  const tallied = <L extends string>(name: string, help: string, labelNames: L[], tally: Tally<L>) =>
    new Counter<L>({ name: PREFIX + name, help, labelNames, registers, collect() { tally.copyInto(this); } });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: PREFIX + name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = []) => new Histogram({ name: PREFIX + name, help, buckets, labelNames, registers });

  gauge("build_info", "Always 1; the version label says which mpesa-cb runs.", ["version"]).set({ version: options.version }, 1);
  const callbacks = new Tally<"family" | "route" | "outcome">();
  tallied("callbacks_total", "Callbacks received, by family, route (never the path token) and outcome.", ["family", "route", "outcome"], callbacks);
  const http = new Tally<"route_class" | "status">();
  tallied("http_responses_total", "HTTP answers, by route class (callback, health, metrics, other) and status.", ["route_class", "status"], http);
  const batchSize = histogram("batch_size", "Callbacks per group-commit batch, by where it was made durable (database or spool).", SIZE_BUCKETS, ["to"]);
  const commitSeconds = histogram("commit_duration_seconds", "How long a group-commit batch took to become durable, by where.", COMMIT_BUCKETS, ["to"]);
  const deliveries = counter("outbox_deliveries_total", "Telegram notification attempts by this instance, by result (sent, retry, failed).", ["result"]);
  const sendSeconds = histogram("outbox_send_duration_seconds", "How long one Telegram send took.", SEND_BUCKETS);
  const queries = counter("daraja_queries_total", "M-Pesa Express Queries, by caller (confirm, reconcile) and answer (final, pending, throttled, error).", ["caller", "answer"]);
  const verdicts = counter("confirm_verdicts_total", "Daraja confirmation verdicts recorded, by verdict (verified, mismatch, unverifiable).", ["verdict"]);
  const reconciled = counter("reconcile_total", "Payments the reconcile sweep looked at, by result.", ["result"]);
  const scrape = scrapeGauges(gauge, options.scrapeTimeoutMs ?? 2_000);
  for (const { family, route } of options.callbackRoutes ?? []) for (const outcome of ALERTED_OUTCOMES) callbacks.cell({ family, route, outcome });
  http.cell({ route_class: "callback", status: "503" });
  for (const result of ["sent", "retry", "failed"]) deliveries.labels(result).inc(0);
  for (const answer of ["final", "pending", "throttled", "error"]) queries.labels("confirm", answer).inc(0);
  for (const verdict of ["verified", "mismatch", "unverifiable"]) verdicts.labels(verdict).inc(0);

  // A cell per label combination, found by map lookups: the request path only increments a number.
  const callbackCell = memo3((family: string, route: string, outcome: string) => callbacks.cell({ family, route: routeLabel(route), outcome }));
  const httpCell = memo2((routeClass: string, status: number) => http.cell({ route_class: routeClass, status: String(status) }));
  const sizes = { database: batchSize.labels("database"), spool: batchSize.labels("spool") };
  const commits = { database: commitSeconds.labels("database"), spool: commitSeconds.labels("spool") };
  return {
    contentType: register.contentType,
    callback: (family, route, outcome) => void callbackCell(family, route, outcome).n++,
    httpResponse: (routeClass, status) => void httpCell(routeClass, status).n++,
    batchWritten(to, size, seconds) {
      sizes[to].observe(size);
      commits[to].observe(seconds);
    },
    outboxDelivery(result, seconds) {
      deliveries.labels(result).inc();
      if (seconds !== null) sendSeconds.observe(seconds);
    },
    darajaQuery: (caller, answer) => queries.labels(caller, answer).inc(),
    confirmVerdict: (verdict) => verdicts.labels(verdict).inc(),
    reconcileResult: (result) => reconciled.labels(result).inc(),
    readAtScrape: (sources) => scrape.use(sources),
    async render() {
      await scrape.read();
      return register.metrics();
    },
  };
}

// `/mpesa/callback/:token#2` is stored so that one knows which token came in; the metric names the route only.
function routeLabel(route: string): string {
  const cut = route.indexOf("/:token");
  return cut < 0 ? route : route.slice(0, cut);
}

type MakeGauge = (name: string, help: string) => Gauge;

function scrapeGauges(gauge: MakeGauge, timeoutMs: number) {
  const spoolDepth = gauge("spool_depth", "Callbacks in the local spool, waiting for the database.");
  const spoolAge = gauge("spool_oldest_age_seconds", "Age of the oldest callback in the spool (0 when it is empty).");
  const pending = gauge("outbox_pending", "Notifications waiting to be sent (all instances: read from the database).");
  const failed = gauge("outbox_failed", "Notifications given up on, kept with status failed (all instances: read from the database).");
  const oldest = gauge("outbox_oldest_pending_age_seconds", "Age of the oldest pending notification (0 when none).");
  const databaseUp = gauge("database_up", "1 when the database answered this scrape's outbox query in time, else 0 (the outbox gauges then keep their last values).");
  let sources: ScrapeSources = {};
  return {
    use: (s: ScrapeSources) => void (sources = s),
    async read(): Promise<void> {
      const spool = sources.spool?.();
      spoolDepth.set(spool?.depth ?? 0);
      spoolAge.set(spool?.oldestAgeSeconds ?? 0);
      if (sources.outbox === undefined) return;
      const stats = await withTimeout(sources.outbox(), timeoutMs).catch((e: unknown) => ({ error: String(e) }));
      databaseUp.set("error" in stats ? 0 : 1);
      if ("error" in stats) return;
      pending.set(stats.pending);
      failed.set(stats.failed);
      oldest.set(stats.oldestPendingAgeSeconds ?? 0);
    },
  };
}
