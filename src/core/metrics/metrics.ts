// The Prometheus metrics of one running service: its own registry (several services may share a process), counters
// and histograms fed by the recorder calls, and gauges read when /metrics is scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { memo2, memo3 } from "./memo.ts";
import { Tally } from "./tally.ts";
import type { MetricsRecorder } from "./recorder.ts";
import { scrapeGauges, type ScrapeGauges, type ScrapeSources } from "./scrape-gauges.ts";

export type { ScrapeSources } from "./scrape-gauges.ts";

export const PREFIX = "mpesa_cb_";

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

const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 5000]; // up to MPESA_CB_BATCH_MAX's maximum
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SEND_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions): Metrics {
  const register = new Registry();
  // Standard names (process_*, nodejs_*), so that stock Node.js dashboards work; ours all start with mpesa_cb_.
  collectDefaultMetrics({ register });
  const m = defineMetrics(register, options);
  showAlertedAtZero(m, options.callbackRoutes ?? []);
  // A cell per label combination, found by map lookups: the request path only increments a number.
  const callbackCell = memo3((family: string, route: string, outcome: string) => m.callbacks.cell({ family, route: routeLabel(route), outcome }));
  const httpCell = memo2((routeClass: string, status: number) => m.http.cell({ route_class: routeClass, status: String(status) }));
  const sizes = { database: m.batchSize.labels("database"), spool: m.batchSize.labels("spool") };
  const commits = { database: m.commitSeconds.labels("database"), spool: m.commitSeconds.labels("spool") };
  return {
    contentType: register.contentType,
    callback: (family, route, outcome) => void callbackCell(family, route, outcome).n++,
    httpResponse: (routeClass, status) => void httpCell(routeClass, status).n++,
    batchWritten(to, size, seconds) {
      sizes[to].observe(size);
      commits[to].observe(seconds);
    },
    outboxDelivery(result, seconds) {
      m.deliveries.labels(result).inc();
      if (seconds !== null) m.sendSeconds.observe(seconds);
    },
    darajaQuery: (caller, answer) => m.queries.labels(caller, answer).inc(),
    confirmVerdict: (verdict) => m.verdicts.labels(verdict).inc(),
    reconcileResult: (result) => m.reconciled.labels(result).inc(),
    readAtScrape: (sources) => m.scrape.use(sources),
    async render() {
      await m.scrape.read();
      return register.metrics();
    },
  };
}

interface Defined {
  callbacks: Tally<"family" | "route" | "outcome">;
  http: Tally<"route_class" | "status">;
  batchSize: Histogram<"to">;
  commitSeconds: Histogram<"to">;
  deliveries: Counter<"result">;
  sendSeconds: Histogram;
  queries: Counter<"caller" | "answer">;
  verdicts: Counter<"verdict">;
  reconciled: Counter<"result">;
  scrape: ScrapeGauges;
}

function defineMetrics(register: Registry, options: MetricsOptions): Defined {
  const registers = [register];
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name: PREFIX + name, help, labelNames, registers });
  // Counted on every request: plain numbers, copied into the counter at scrape time.
  const tallied = <L extends string>(name: string, help: string, labelNames: L[]) => {
    const tally = new Tally<L>();
    new Counter<L>({ name: PREFIX + name, help, labelNames, registers, collect() { tally.copyInto(this); } });
    return tally;
  };
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: PREFIX + name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: L[] = []) => new Histogram<L>({ name: PREFIX + name, help, buckets, labelNames, registers });
  gauge("build_info", "Always 1; the version label says which mpesa-cb runs.", ["version"]).set({ version: options.version }, 1);
  return {
    callbacks: tallied("callbacks_total", "Callbacks received, by family, route (never the path token) and outcome.", ["family", "route", "outcome"]),
    http: tallied("http_responses_total", "HTTP answers, by route class (callback, health, metrics, other) and status.", ["route_class", "status"]),
    batchSize: histogram("batch_size", "Callbacks per group-commit batch, by where it was made durable (database or spool).", SIZE_BUCKETS, ["to"]),
    commitSeconds: histogram("commit_duration_seconds", "How long a group-commit batch took to become durable, by where.", COMMIT_BUCKETS, ["to"]),
    deliveries: counter("outbox_deliveries_total", "Telegram notification attempts by this instance, by result (sent, retry, failed).", ["result"]),
    sendSeconds: histogram("outbox_send_duration_seconds", "How long one Telegram send took.", SEND_BUCKETS),
    queries: counter("daraja_queries_total", "M-Pesa Express Queries, by caller (confirm, reconcile) and answer (final, pending, throttled, error).", ["caller", "answer"]),
    verdicts: counter("confirm_verdicts_total", "Daraja confirmation verdicts recorded, by verdict (verified, mismatch, unverifiable).", ["verdict"]),
    reconciled: counter("reconcile_total", "Payments the reconcile sweep looked at, by result.", ["result"]),
    scrape: scrapeGauges(gauge, options.scrapeTimeoutMs ?? 2_000),
  };
}

// Series an alert watches with increase() exist at 0 from the start: their first event is then an increase.
function showAlertedAtZero(m: Defined, callbackRoutes: readonly { family: string; route: string }[]): void {
  for (const { family, route } of callbackRoutes) for (const outcome of ["quarantined", "unavailable"]) m.callbacks.cell({ family, route, outcome });
  m.http.cell({ route_class: "callback", status: "503" });
  for (const result of ["sent", "retry", "failed"]) m.deliveries.labels(result).inc(0);
  for (const answer of ["final", "pending", "throttled", "error"]) m.queries.labels("confirm", answer).inc(0);
  for (const verdict of ["verified", "mismatch", "unverifiable"]) m.verdicts.labels(verdict).inc(0);
}

// `/mpesa/callback/:token#2` is stored so that one knows which token came in; the metric names the route only.
function routeLabel(route: string): string {
  const cut = route.indexOf("/:token");
  return cut < 0 ? route : route.slice(0, cut);
}
