// GET /metrics through the real serve, on SQLite and MariaDB, read by a strict Prometheus text parser: each counter
// moves by exactly what arrived (callbacks of several families, HTTP answers, outbox deliveries), the histograms are
// well formed, the route label never carries a path token, and a client that is not allowed gets a 403 saying how.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import type { Service } from "../../src/server/service.ts";
import { testDialects } from "../support/databases.ts";
import { servicesPerTest } from "../support/services-per-test.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";
import { histogramOf, parsePromText, valueOf, type Family } from "../support/prom-text.ts";

const TOKEN = "7474:METRICS-test_token";
const ADMIN = "-100747474";
const fake = FakeTelegram.start(TOKEN);
afterAll(() => fake.stop());

const c2bConfirmation = (transId: string) => JSON.stringify({
  TransactionType: "Pay Bill", TransID: transId, TransTime: "20250115120501", TransAmount: "1500.00", BusinessShortCode: "600000",
  BillRefNumber: "INV-1", InvoiceNumber: "", OrgAccountBalance: "10250.00", ThirdPartyTransID: "", MSISDN: "254700000001", FirstName: "TEST", MiddleName: "", LastName: "",
});
const b2cResult = (originator: string) => JSON.stringify({ Result: {
  ResultType: 0, ResultCode: 2001, ResultDesc: "The initiator information is invalid.", OriginatorConversationID: originator, ConversationID: `AG_${originator}`, TransactionID: "",
} });

type Scrape = Map<string, Family>;

/** Every series of a counter whose value changed between two scrapes, as `{labels…}` JSON → how much. */
function moved(before: Scrape, after: Scrape, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of after.get(name)?.samples ?? []) {
    const delta = s.value - valueOf(before, s.name, s.labels);
    if (delta !== 0) out[JSON.stringify(s.labels)] = delta;
  }
  return out;
}
const key = (labels: Record<string, string>) => JSON.stringify(labels);

describe.each(await testDialects())("GET /metrics on %s", (dialect) => {
  const start = servicesPerTest(dialect, () => (fake.delivered.length = 0));
  const scrape = async (s: Service, headers: Record<string, string> = {}): Promise<Scrape> => {
    const res = await fetch(`${s.url}/metrics`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return parsePromText(await res.text());
  };
  const post = (s: Service, path: string, body: string) => fetch(`${s.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });

  test("callbacks of several families, HTTP answers and outbox deliveries move their counters by exactly what happened", async () => {
    const s = await start({ TELEGRAM_BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot });
    const before = await scrape(s);
    const stk = uniqueId();
    const answers = [
      await post(s, "/mpesa/callback", successBody(stk, `R${stk.slice(-9)}`)),
      await post(s, "/mpesa/callback", successBody(stk, `R${stk.slice(-9)}`)), // the same again: a duplicate
      await post(s, "/c2b/confirmation", c2bConfirmation(`T${uniqueId("").slice(-9).toUpperCase()}`)),
      await post(s, "/results/b2c", b2cResult(uniqueId("MET-"))),
      await post(s, "/mpesa/callback", "{}"), // rejected
    ].map((r) => r.status);
    expect(answers).toEqual([200, 200, 200, 200, 400]);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    expect((await fetch(`${s.url}/nowhere`)).status).toBe(404);
    // Every queued notification settles (sent to the fake Bot API) before the last scrape.
    const settled = () => s.db.sequelize.query<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM notifications GROUP BY status", { type: QueryTypes.SELECT });
    await waitFor(async () => (await settled()).every((r) => r.status !== "pending"), { what: "every notification sent" });
    const sentRows = Number((await settled()).find((r) => r.status === "sent")?.n ?? 0);
    expect(sentRows).toBeGreaterThan(0);
    const after = await scrape(s);

    expect(moved(before, after, "mpesa_cb_callbacks_total")).toEqual({
      [key({ family: "stk", route: "/mpesa/callback", outcome: "new" })]: 1,
      [key({ family: "stk", route: "/mpesa/callback", outcome: "duplicate" })]: 1,
      [key({ family: "stk", route: "/mpesa/callback", outcome: "rejected" })]: 1,
      [key({ family: "c2b-confirmation", route: "/c2b/confirmation", outcome: "new" })]: 1,
      [key({ family: "b2c-result", route: "/results/b2c", outcome: "new" })]: 1,
    });
    expect(moved(before, after, "mpesa_cb_http_responses_total")).toEqual({
      [key({ route_class: "callback", status: "200" })]: 4,
      [key({ route_class: "callback", status: "400" })]: 1,
      [key({ route_class: "health", status: "200" })]: 1,
      [key({ route_class: "other", status: "404" })]: 1,
      [key({ route_class: "metrics", status: "200" })]: 1, // the first scrape, counted once it was answered
    });
    expect(moved(before, after, "mpesa_cb_outbox_deliveries_total")).toEqual({ [key({ result: "sent" })]: sentRows });
    expect(histogramOf(after, "mpesa_cb_outbox_send_duration_seconds").count - histogramOf(before, "mpesa_cb_outbox_send_duration_seconds").count).toBe(sentRows);
    // Every callback went through group commit into the database: five items, in one to five batches.
    const [size0, size1] = [before, after].map((f) => histogramOf(f, "mpesa_cb_batch_size", { to: "database" }));
    const commits = histogramOf(after, "mpesa_cb_commit_duration_seconds", { to: "database" }).count - histogramOf(before, "mpesa_cb_commit_duration_seconds", { to: "database" }).count;
    expect((size1?.sum ?? 0) - (size0?.sum ?? 0)).toBe(5);
    expect(commits).toBe((size1?.count ?? 0) - (size0?.count ?? 0));
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(5);
    expect(["spool_depth", "outbox_pending", "database_up"].map((g) => valueOf(after, `mpesa_cb_${g}`))).toEqual([0, 0, 1]);
  });

  test("every histogram is well formed: cumulative buckets ending in +Inf, whose count is _count", async () => {
    const s = await start();
    await Promise.all(Array.from({ length: 20 }, () => uniqueId()).map((id) => post(s, "/mpesa/callback", successBody(id, `R${id.slice(-9)}`))));
    const f = await scrape(s);
    const histograms = [...f.values()].filter((x) => x.type === "histogram");
    expect(histograms.map((h) => h.name)).toEqual(expect.arrayContaining(["mpesa_cb_batch_size", "mpesa_cb_commit_duration_seconds", "mpesa_cb_outbox_send_duration_seconds"]));
    for (const h of histograms) {
      // One histogram per combination of labels besides le.
      const groups = new Map<string, Record<string, string>>();
      for (const smp of h.samples) {
        const { le: _le, ...rest } = smp.labels;
        groups.set(key(rest), rest);
      }
      for (const labels of groups.values()) {
        const { buckets, count } = histogramOf(f, h.name, labels);
        const counts = buckets.map(([, c]) => c);
        const bounds = buckets.map(([le]) => le);
        expect([h.name, bounds]).toEqual([h.name, [...bounds].sort((a, b) => a - b)]);
        expect([h.name, counts]).toEqual([h.name, [...counts].sort((a, b) => a - b)]);
        expect([h.name, buckets.at(-1)]).toEqual([h.name, [Number.POSITIVE_INFINITY, count]]);
      }
    }
    expect(histogramOf(f, "mpesa_cb_batch_size", { to: "database" }).sum).toBe(20);
  });

  test("behind a path token the route is the family's route, and the token shows nowhere", async () => {
    const secret = "metrics-token-0123456789abcdef";
    const s = await start({ MPESA_CB_CALLBACK_TOKENS: secret });
    const id = uniqueId();
    expect((await post(s, `/mpesa/callback/${secret}`, successBody(id, `R${id.slice(-9)}`))).status).toBe(200);
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(valueOf(parsePromText(text), "mpesa_cb_callbacks_total", { family: "stk", route: "/mpesa/callback", outcome: "new" })).toBe(1);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(":token");
  });

  test("through the local proxy for a client that is not allowed: 403 naming it and the setting; allowed once listed", async () => {
    const closed = await start();
    const res = await fetch(`${closed.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "metrics are not served to 203.0.113.9", hint: expect.stringContaining("MPESA_CB_METRICS_ALLOW") });
    // A refused scrape is counted, and reading the metrics from loopback shows it.
    expect(valueOf(await scrape(closed), "mpesa_cb_http_responses_total", { route_class: "metrics", status: "403" })).toBe(1);
    const open = await start({ MPESA_CB_METRICS_ALLOW: "203.0.113.0/24" });
    await scrape(open, { "x-forwarded-for": "203.0.113.9" });
    expect((await fetch(`${open.url}/metrics`, { headers: { "x-forwarded-for": "198.51.100.1" } })).status).toBe(403);
  });
});
