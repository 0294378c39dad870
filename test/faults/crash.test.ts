// Crash safety: serve is killed with SIGKILL several times during a stream of unique callbacks and started again;
// every acknowledged callback must be stored exactly once (SQLite and MariaDB).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { startServeProcess, type ServeProcess } from "../support/serve-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { streamCallbacks } from "../support/callback-stream.ts";
import { uniqueId } from "../support/callbacks.ts";
import { openDatabase } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe.each(await testDialects())("kill -9 during load on %s", (dialect) => {
  test("three kills and restarts: nothing acknowledged is lost or doubled", async () => {
    const tdb: TestDatabase = await createTestDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-crash-"));
    cleanups.push(async () => {
      await tdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const db = await openDatabase(tdb.target);
    await migrate(db);
    // Each incarnation binds a free port of its own (port 0); the clients follow `serve.url`.
    let serve: ServeProcess = await startServeProcess({ dbUrl: tdb.url, dataDir, port: 0 });
    const prefix = uniqueId("ws_CO_KILL");
    const stream = streamCallbacks(() => serve.url, prefix, { clients: 8, durationMs: 180_000 }); // until stopped
    // Each kill lands under load: only after this incarnation has acknowledged 40 more callbacks.
    const acknowledgedBy = async (what: string) => {
      const before = stream.result.acked.length;
      await waitFor(() => stream.result.acked.length >= before + 40, { what, timeoutMs: 60_000 });
    };
    try {
      for (let kill = 0; kill < 3; kill++) {
        await acknowledgedBy(`callbacks acknowledged before kill ${kill + 1}`);
        serve.proc.kill("SIGKILL");
        await serve.proc.exited;
        serve = await startServeProcess({ dbUrl: tdb.url, dataDir, port: 0 });
      }
      await acknowledgedBy("callbacks acknowledged after the last restart");
    } finally {
      stream.stop();
    }
    const result = await stream.done;
    serve.proc.kill("SIGTERM");
    expect(await serve.proc.exited).toBe(0);

    const rows = await db.sequelize.query<{ id: string; n: number }>(
      "SELECT checkout_request_id AS id, COUNT(*) AS n FROM transactions WHERE checkout_request_id LIKE ? GROUP BY checkout_request_id",
      { replacements: [`${prefix}%`], type: QueryTypes.SELECT });
    await db.close();
    const stored = new Map(rows.map((r) => [r.id, Number(r.n)]));
    const lost = result.acked.filter((id) => !stored.has(id));
    console.log(`kill -9 on ${dialect}: sent ${result.sent}, acknowledged ${result.acked.length}, stored ${stored.size}, lost ${lost.length}; answers ${JSON.stringify(result.statuses)}`);
    expect(result.acked.length).toBeGreaterThanOrEqual(160);
    expect(lost).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    expect(result.statuses["500"] ?? 0).toBe(0);
  }, 90_000);
});
