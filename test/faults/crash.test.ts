// Crash safety: serve is killed with SIGKILL several times during a stream of unique callbacks and started again;
// every acknowledged callback must be stored exactly once (SQLite and MariaDB).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { freePort, startServeProcess, type ServeProcess } from "../support/serve-process.ts";
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
    const port = freePort();
    let serve: ServeProcess = await startServeProcess({ dbUrl: tdb.url, dataDir, port });
    const prefix = uniqueId("ws_CO_KILL");
    const stream = streamCallbacks(() => serve.url, prefix, { clients: 8, durationMs: 7_000 });
    for (let kill = 0; kill < 3; kill++) {
      await Bun.sleep(1_200);
      serve.proc.kill("SIGKILL");
      await serve.proc.exited;
      serve = await startServeProcess({ dbUrl: tdb.url, dataDir, port });
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
    expect(result.acked.length).toBeGreaterThan(100);
    expect(lost).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    expect(result.statuses["500"] ?? 0).toBe(0);
  }, 90_000);
});
