// The metrics of one service: every recorder call moves its own series, scrape-time gauges read their sources (a
// database that does not answer in time shows as database_up 0), and two services in one process do not share counts.
import { expect, test } from "bun:test";
import { createMetrics } from "../../../src/core/metrics/metrics.ts";
import { histogramOf, parsePromText, valueOf } from "../../support/prom-text.ts";

const scrape = async (m: ReturnType<typeof createMetrics>) => parsePromText(await m.render());

test("each recorder call moves exactly its series; the route label never carries the token's position", async () => {
  const m = createMetrics({ version: "1.2.3" });
  m.callback("stk", "/mpesa/callback", "new");
  m.callback("stk", "/mpesa/callback/:token#2", "new");
  m.callback("c2b-confirmation", "/c2b/confirmation", "duplicate");
  m.httpResponse("callback", 200);
  m.httpResponse("metrics", 403);
  m.batchWritten("database", 3, 0.004);
  m.batchWritten("spool", 1, 0.02);
  m.outboxDelivery("sent", 0.3);
  m.outboxDelivery("failed", null);
  m.darajaQuery("confirm", "pending");
  m.darajaQuery("reconcile", "final");
  m.confirmVerdict("mismatch");
  m.reconcileResult("recovered");
  const f = await scrape(m);
  expect(valueOf(f, "mpesa_cb_build_info", { version: "1.2.3" })).toBe(1);
  expect(valueOf(f, "mpesa_cb_callbacks_total", { family: "stk", route: "/mpesa/callback", outcome: "new" })).toBe(2);
  expect(valueOf(f, "mpesa_cb_callbacks_total", { family: "c2b-confirmation", route: "/c2b/confirmation", outcome: "duplicate" })).toBe(1);
  expect(f.get("mpesa_cb_callbacks_total")?.samples.length).toBe(2);
  expect(valueOf(f, "mpesa_cb_http_responses_total", { route_class: "callback", status: "200" })).toBe(1);
  expect(valueOf(f, "mpesa_cb_http_responses_total", { route_class: "metrics", status: "403" })).toBe(1);
  expect(histogramOf(f, "mpesa_cb_batch_size", { to: "database" })).toMatchObject({ sum: 3, count: 1 });
  expect(histogramOf(f, "mpesa_cb_commit_duration_seconds", { to: "spool" })).toMatchObject({ sum: 0.02, count: 1 });
  expect(valueOf(f, "mpesa_cb_outbox_deliveries_total", { result: "sent" })).toBe(1);
  expect(valueOf(f, "mpesa_cb_outbox_deliveries_total", { result: "failed" })).toBe(1);
  expect(histogramOf(f, "mpesa_cb_outbox_send_duration_seconds")).toMatchObject({ sum: 0.3, count: 1 });
  expect(valueOf(f, "mpesa_cb_daraja_queries_total", { caller: "confirm", answer: "pending" })).toBe(1);
  expect(valueOf(f, "mpesa_cb_daraja_queries_total", { caller: "reconcile", answer: "final" })).toBe(1);
  expect(valueOf(f, "mpesa_cb_confirm_verdicts_total", { verdict: "mismatch" })).toBe(1);
  expect(valueOf(f, "mpesa_cb_reconcile_total", { result: "recovered" })).toBe(1);
  expect(f.get("process_cpu_seconds_total")?.type).toBe("counter"); // the default process metrics
});

test("every histogram's buckets are cumulative and its +Inf bucket is its count", async () => {
  const m = createMetrics({ version: "t" });
  for (const [size, s] of [[1, 0.0001], [7, 0.003], [300, 0.2], [4000, 12]] as const) m.batchWritten("database", size, s);
  const f = await scrape(m);
  for (const name of ["mpesa_cb_batch_size", "mpesa_cb_commit_duration_seconds"]) {
    const h = histogramOf(f, name, { to: "database" });
    const counts = h.buckets.map(([, c]) => c);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(h.buckets.at(-1)).toEqual([Number.POSITIVE_INFINITY, 4]);
    expect(h.count).toBe(4);
  }
  expect(histogramOf(f, "mpesa_cb_batch_size", { to: "database" }).buckets.find(([le]) => le === 8)).toEqual([8, 2]);
});

test("the spool and outbox gauges are read at scrape time", async () => {
  const m = createMetrics({ version: "t" });
  let depth = 0;
  m.readAtScrape({
    spool: () => ({ depth, oldestAgeSeconds: depth > 0 ? 42 : null }),
    outbox: async () => ({ pending: 5, failed: 2, oldestPendingAgeSeconds: 7 }),
  });
  let f = await scrape(m);
  expect([valueOf(f, "mpesa_cb_spool_depth"), valueOf(f, "mpesa_cb_spool_oldest_age_seconds")]).toEqual([0, 0]);
  depth = 3;
  f = await scrape(m);
  expect([valueOf(f, "mpesa_cb_spool_depth"), valueOf(f, "mpesa_cb_spool_oldest_age_seconds")]).toEqual([3, 42]);
  expect(["pending", "failed", "oldest_pending_age_seconds"].map((g) => valueOf(f, `mpesa_cb_outbox_${g}`))).toEqual([5, 2, 7]);
  expect(valueOf(f, "mpesa_cb_database_up")).toBe(1);
});

test("a database that does not answer in time: database_up 0, the scrape still answers, the outbox gauges keep their last values", async () => {
  const m = createMetrics({ version: "t", scrapeTimeoutMs: 50 });
  let answer: () => Promise<{ pending: number; failed: number; oldestPendingAgeSeconds: number | null } | { error: string }> = async () => ({ pending: 4, failed: 1, oldestPendingAgeSeconds: null });
  m.readAtScrape({ outbox: () => answer() });
  expect(valueOf(await scrape(m), "mpesa_cb_outbox_pending")).toBe(4);
  answer = () => new Promise(() => {}); // hangs
  const started = performance.now();
  const f = await scrape(m);
  expect(performance.now() - started).toBeLessThan(1_000);
  expect([valueOf(f, "mpesa_cb_database_up"), valueOf(f, "mpesa_cb_outbox_pending")]).toEqual([0, 4]);
  answer = async () => ({ error: "connection refused" });
  expect(valueOf(await scrape(m), "mpesa_cb_database_up")).toBe(0);
});

test("two services in one process count apart", async () => {
  const [a, b] = [createMetrics({ version: "a" }), createMetrics({ version: "b" })];
  a.callback("stk", "/mpesa/callback", "new");
  expect(valueOf(await scrape(a), "mpesa_cb_callbacks_total", { family: "stk", route: "/mpesa/callback", outcome: "new" })).toBe(1);
  expect(valueOf(await scrape(b), "mpesa_cb_callbacks_total", { family: "stk", route: "/mpesa/callback", outcome: "new" })).toBe(0);
});

test("the series alerts watch with increase() exist at 0 from the start, so that their first event shows", async () => {
  const f = await scrape(createMetrics({ version: "t", callbackRoutes: [{ family: "stk", route: "/mpesa/callback" }, { family: "b2c-result", route: "/results/b2c" }] }));
  const zero = (name: string, labels: Record<string, string>) => expect([name, labels, f.get(name)?.samples.some((s) => JSON.stringify(s.labels) === JSON.stringify(labels) && s.value === 0)]).toEqual([name, labels, true]);
  for (const family of [["stk", "/mpesa/callback"], ["b2c-result", "/results/b2c"]] as const) {
    for (const outcome of ["quarantined", "unavailable"]) zero("mpesa_cb_callbacks_total", { family: family[0], route: family[1], outcome });
  }
  zero("mpesa_cb_http_responses_total", { route_class: "callback", status: "503" });
  zero("mpesa_cb_outbox_deliveries_total", { result: "failed" });
  zero("mpesa_cb_daraja_queries_total", { caller: "confirm", answer: "error" });
  for (const verdict of ["mismatch", "unverifiable"]) zero("mpesa_cb_confirm_verdicts_total", { verdict });
});
