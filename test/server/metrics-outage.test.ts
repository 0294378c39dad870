// /metrics during a database outage (MariaDB behind a TCP proxy the test cuts): the spool gauges and database_up say
// what /health says, spooled callbacks and 503s are counted, and the gauges come back once the spool drains.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mysqlAvailable } from "../support/databases.ts";
import { startServiceBehindProxy, type ProxiedService } from "../support/proxied-service.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { waitFor } from "../support/wait-for.ts";
import { histogramOf, parsePromText, valueOf } from "../support/prom-text.ts";

describe.if(await mysqlAvailable())("GET /metrics during a database outage on MariaDB", () => {
  let proxied: ProxiedService;
  const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-metrics-outage-"));
  beforeAll(async () => {
    proxied = await startServiceBehindProxy({ MPESA_CB_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await proxied.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const scrape = async () => parsePromText(await (await fetch(`${proxied.service.url}/metrics`)).text());
  const post = async () => {
    const id = uniqueId();
    return (await fetch(`${proxied.service.url}/mpesa/callback`, { method: "POST", body: successBody(id, `S${id.slice(-9)}`), headers: { "content-type": "application/json" } })).status;
  };
  const stk = (outcome: string) => ({ family: "stk", route: "/mpesa/callback", outcome });

  test("spooled callbacks, the spool's depth and age, database_up: each as it happens, and back to normal", async () => {
    const { proxy } = proxied;
    expect(await post()).toBe(200);
    const before = await scrape();
    expect(valueOf(before, "mpesa_cb_database_up")).toBe(1);

    proxy.cut();
    expect([await post(), await post()]).toEqual([200, 200]); // into the spool
    const during = await scrape();
    expect(valueOf(during, "mpesa_cb_spool_depth")).toBe(2);
    expect(valueOf(during, "mpesa_cb_spool_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(valueOf(during, "mpesa_cb_database_up")).toBe(0);
    expect(valueOf(during, "mpesa_cb_callbacks_total", stk("spooled")) - valueOf(before, "mpesa_cb_callbacks_total", stk("spooled"))).toBe(2);
    const spooled = histogramOf(during, "mpesa_cb_batch_size", { to: "spool" });
    expect(spooled.sum - histogramOf(before, "mpesa_cb_batch_size", { to: "spool" }).sum).toBe(2);

    proxy.restore();
    await waitFor(async () => {
      const f = await scrape();
      return valueOf(f, "mpesa_cb_spool_depth") === 0 && valueOf(f, "mpesa_cb_database_up") === 1;
    }, { what: "the spool drained and the database answering the scrape" });
    expect(valueOf(await scrape(), "mpesa_cb_spool_oldest_age_seconds")).toBe(0);
  }, 60_000);

  test("neither the database nor the spool can take a callback: its 503 and its outcome are counted", async () => {
    const before = await scrape();
    const spoolDir = join(dataDir, "spool");
    proxied.proxy.cut();
    rmSync(spoolDir, { recursive: true, force: true });
    writeFileSync(spoolDir, "not a directory: appends fail as on a full or broken disk");
    try {
      expect(await post()).toBe(503);
    } finally {
      rmSync(spoolDir, { force: true });
      mkdirSync(spoolDir);
      proxied.proxy.restore();
    }
    const after = await scrape();
    const http503 = { route_class: "callback", status: "503" };
    expect(valueOf(after, "mpesa_cb_http_responses_total", http503) - valueOf(before, "mpesa_cb_http_responses_total", http503)).toBe(1);
    expect(valueOf(after, "mpesa_cb_callbacks_total", stk("unavailable")) - valueOf(before, "mpesa_cb_callbacks_total", stk("unavailable"))).toBe(1);
  }, 60_000);
});
