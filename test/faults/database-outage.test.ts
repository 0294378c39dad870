// Database outage: a proxy between serve and MariaDB is cut for seconds while callbacks keep coming. Every
// acknowledged callback must end up in the database exactly once, and the spool must drain.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { streamCallbacks } from "../support/callback-stream.ts";
import { uniqueId } from "../support/callbacks.ts";
import type { Service } from "../../src/server/service.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { successBody } from "../support/callbacks.ts";

describe.skipIf(!(await mysqlAvailable()))("database outage on MariaDB", () => {
  let tdb: TestDatabase;
  let proxy: TcpProxy;
  let service: Service;
  const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-outage-"));

  beforeAll(async () => {
    tdb = await createTestDatabase("mysql");
    if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
    proxy = startTcpProxy(tdb.target.host, tdb.target.port);
    const viaProxy = { ...tdb, url: tdb.url.replace(`:${tdb.target.port}/`, `:${proxy.port}/`) };
    service = await startTestService(viaProxy, { MPESA_CB_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await service.stop();
    proxy.stop();
    await tdb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("cut for 3 s under load: every acknowledged callback stored once, spool empty", async () => {
    const prefix = uniqueId("ws_CO_OUT");
    const stream = streamCallbacks(() => service.url, prefix, { clients: 8, durationMs: 6_000 });
    await Bun.sleep(1_000);
    proxy.cut();
    await Bun.sleep(3_000);
    proxy.restore();
    const result = await stream.done;

    let health: { status: string; spool: { depth: number }; callbacks: { spooled: number } } | undefined;
    for (let i = 0; i < 150; i++) {
      health = (await fetch(`${service.url}/health`).then((r) => r.json())) as typeof health;
      if (health?.status === "healthy" && health.spool.depth === 0) break;
      await Bun.sleep(200);
    }
    const rows = await service.db.sequelize.query<{ id: string; n: number }>(
      "SELECT checkout_request_id AS id, COUNT(*) AS n FROM transactions WHERE checkout_request_id LIKE ? GROUP BY checkout_request_id",
      { replacements: [`${prefix}%`], type: QueryTypes.SELECT });
    const stored = new Map(rows.map((r) => [r.id, Number(r.n)]));
    const lost = result.acked.filter((id) => !stored.has(id));
    const doubled = [...stored.values()].filter((n) => n > 1).length;
    console.log(`outage: sent ${result.sent}, acknowledged ${result.acked.length}, spooled ${health?.callbacks.spooled}, stored ${stored.size}, lost ${lost.length}, doubled ${doubled}; answers ${JSON.stringify(result.statuses)}`);

    expect(health?.callbacks.spooled ?? 0).toBeGreaterThan(0); // the outage really happened and the spool took callbacks
    expect(health?.spool.depth).toBe(0);
    expect(health?.status).toBe("healthy");
    expect(lost).toEqual([]);
    expect(doubled).toBe(0);
    expect(result.statuses["500"] ?? 0).toBe(0);
  }, 60_000);

  test("database and spool both unavailable: 503, never a 200 for something not kept", async () => {
    const spoolDir = join(dataDir, "spool");
    proxy.cut();
    rmSync(spoolDir, { recursive: true, force: true });
    writeFileSync(spoolDir, "not a directory: appends fail as on a full or broken disk");
    try {
      const id = uniqueId();
      const res = await fetch(`${service.url}/mpesa/callback`, { method: "POST", body: successBody(id, `N${id.slice(-9)}`), headers: { "content-type": "application/json" } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { ResultCode: number }).ResultCode).not.toBe(0);
    } finally {
      rmSync(spoolDir, { force: true });
      mkdirSync(spoolDir);
      proxy.restore();
    }
    const id = uniqueId();
    const res = await fetch(`${service.url}/mpesa/callback`, { method: "POST", body: successBody(id, `M${id.slice(-9)}`), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200); // and it recovers without a restart
  }, 30_000);
});
