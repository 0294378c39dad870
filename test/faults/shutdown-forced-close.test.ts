// README: on SIGTERM, requests in flight may take MPESA_CB_SHUTDOWN_TIMEOUT_MS; after that their connections are
// closed and serve exits. A client that sent half a callback and then nothing holds a request open: serve must not
// wait for it past the timeout, must not answer it as accepted, and must exit 0 (SQLite and MariaDB).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryTypes } from "sequelize";
import { startServeProcess } from "../support/serve-process.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { createTestDatabase, testDialects } from "../support/databases.ts";
import { waitFor } from "../support/wait-for.ts";
import { openDatabase } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";

const TIMEOUT_MS = 1_500;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** A raw connection that sends a callback's headers and the first half of its body, then stalls. */
async function stalledCallback(port: number, body: string) {
  const state = { received: "", closed: false };
  const socket = await Bun.connect({
    hostname: "127.0.0.1", port,
    socket: {
      data(_s, chunk) { state.received += Buffer.from(chunk).toString(); },
      close() { state.closed = true; },
      error() { state.closed = true; },
    },
  });
  socket.write(`POST /mpesa/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, body.length / 2)}`);
  return { state, socket };
}

describe.each(await testDialects())("shutdown timeout on %s", (dialect) => {
  test(`a request still in flight after ${TIMEOUT_MS} ms: its connection is closed, unanswered, and serve exits 0`, async () => {
    const tdb = await createTestDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-forced-"));
    const db = await openDatabase(tdb.target);
    cleanups.push(async () => {
      await db.close();
      await tdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    await migrate(db);
    const serve = await startServeProcess({ dbUrl: tdb.url, dataDir, port: 0, env: { MPESA_CB_SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS) } });
    cleanups.push(async () => void serve.proc.kill("SIGKILL"));
    const port = Number(new URL(serve.url).port);
    const stalledId = uniqueId("ws_CO_STALL");
    const stalled = await stalledCallback(port, successBody(stalledId, `X${stalledId.slice(-9)}`));
    // A whole callback on another connection, answered after the stalled one's headers were read.
    const doneId = uniqueId("ws_CO_DONE");
    const done = await fetch(`${serve.url}/mpesa/callback`, { method: "POST", body: successBody(doneId, `D${doneId.slice(-9)}`), headers: { "content-type": "application/json" } });
    expect(done.status).toBe(200);

    const signalled = Date.now();
    serve.proc.kill("SIGTERM");
    const code = await serve.proc.exited;
    const tookMs = Date.now() - signalled;
    await waitFor(() => stalled.state.closed, { what: "the stalled connection to be closed", timeoutMs: 10_000 });

    expect(code).toBe(0);
    expect(serve.output()).toContain(`requests still in flight after ${TIMEOUT_MS} ms: closing their connections`);
    expect(tookMs).toBeGreaterThanOrEqual(TIMEOUT_MS); // it did wait for the request in flight…
    expect(tookMs).toBeLessThan(TIMEOUT_MS + 15_000); // …but not for the client (Bun's idle timeout is 30 s)
    expect(stalled.state.received).not.toContain("200 OK"); // never acknowledged: Safaricom will send it again
    const rows = await db.sequelize.query<{ id: string }>("SELECT checkout_request_id AS id FROM transactions WHERE checkout_request_id IN (?, ?)",
      { replacements: [stalledId, doneId], type: QueryTypes.SELECT });
    expect(rows.map((r) => r.id)).toEqual([doneId]);
  }, 60_000);
});
