// /metrics from a client that is really not loopback: the server listens on one of this machine's own non-loopback
// addresses and is reached through it, so the direct peer is that address (no forwarding header involved).
import { afterEach, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/core/config.ts";
import { startService, type Service } from "../../src/server/service.ts";

const LAN = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;

describe.if(LAN !== undefined)(`GET /metrics from ${LAN ?? "no non-loopback address"}`, () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const done of cleanup.splice(0)) await done();
  });
  const start = async (env: Record<string, string> = {}): Promise<Service> => {
    const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-metrics-"));
    const config = parseConfig({ MPESA_CB_LOG_LEVEL: "silent", MPESA_CB_DATA_DIR: dir, ...env }, { databaseUrl: `sqlite:${join(dir, "db.sqlite")}`, port: 0, host: LAN as string });
    if (!config.ok) throw new Error(JSON.stringify(config.problems));
    const s = await startService(config.value, createConsola({ level: -999 }), "test");
    cleanup.push(async () => {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    return s;
  };

  test("refused with 403 and how to allow it; a forwarding header from this untrusted peer changes nothing", async () => {
    const s = await start();
    const url = `http://${LAN}:${s.port}/metrics`;
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: `metrics are not served to ${LAN}`, hint: expect.stringContaining(`MPESA_CB_METRICS_ALLOW=${LAN}`) });
    expect((await fetch(url, { headers: { "x-forwarded-for": "127.0.0.1" } })).status).toBe(403);
    expect((await fetch(`http://${LAN}:${s.port}/health`)).status).toBe(200); // only /metrics is closed
  });

  test("served once its address is in MPESA_CB_METRICS_ALLOW", async () => {
    const s = await start({ MPESA_CB_METRICS_ALLOW: `${LAN}/32` });
    const res = await fetch(`http://${LAN}:${s.port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("mpesa_cb_build_info");
  });
});
