// Start-up failures that are not bugs: one line that says what is wrong and what to do, and an exit code that tells
// systemd whether to try again (78: a person must act, RestartPreventExitStatus; 69: may come back by itself).
// Nothing is created or migrated when the server cannot listen. SIGHUP stops gracefully, as SIGTERM does.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../src/core/store/database.ts";
import { createTestDatabase, mysqlAvailable, testDialects, type TestDatabase } from "../support/databases.ts";
import { freePort, startServeProcess } from "../support/serve-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { lines, MAIN, runCli, type CliRun } from "./cli-process.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-startup-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function database(dialect: "sqlite" | "mysql"): Promise<TestDatabase> {
  const tdb = await createTestDatabase(dialect);
  cleanups.push(() => tdb.drop());
  return tdb;
}

/** Whether the database holds any table: the schema must not be created when the server cannot start. */
async function tableCount(tdb: TestDatabase): Promise<number> {
  if (tdb.target.dialect === "sqlite" && !existsSync(tdb.target.path)) return 0;
  const db = await openDatabase(tdb.target);
  try {
    const sql = tdb.target.dialect === "sqlite"
      ? "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'"
      : "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()";
    const [row] = await db.sequelize.query<{ n: number | string }>(sql, { type: QueryTypes.SELECT });
    return Number(row?.n ?? 0);
  } finally {
    await db.close();
  }
}

/** One line on stderr, nothing else printed, no stack trace, not called a bug. */
function expectOneLine(r: CliRun, code: number, ...words: string[]): void {
  expect({ code: r.code, stderrLines: lines(r.stderr).length, stdout: r.stdout }).toEqual({ code, stderrLines: 1, stdout: "" });
  for (const w of words) expect(r.stderr).toContain(w);
  expect(r.stderr).not.toContain("a bug");
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

function serveArgs(tdb: TestDatabase, dataDir: string, port: number, host = "127.0.0.1"): string[] {
  return ["serve", "--db", tdb.url, "--data-dir", dataDir, "--port", String(port), "--host", host, "--log-level", "info"];
}

/** An address of the TEST-NET-1 documentation range that this machine does not have (binding it sends nothing). */
function foreignAddress(): string {
  const mine = new Set(Object.values(networkInterfaces()).flat().map((i) => i?.address));
  const address = ["192.0.2.1", "198.51.100.1", "203.0.113.1"].find((a) => !mine.has(a));
  if (address === undefined) throw new Error("every TEST-NET address is on this machine");
  return address;
}

/**
 * A data directory the server cannot write, for real. As root, chmod does not stop writes: mount a read-only tmpfs
 * on it in a private mount namespace that lives as long as the server (EROFS, what ProtectSystem=strict gives a
 * directory outside StateDirectory=). As another user, mode 0500 does it.
 */
function readOnly(dir: string): string[] {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o500);
    return [];
  }
  return ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount -t tmpfs -o ro,mode=0755 mpesa-cb-ro "$0" && exec "$@"', dir];
}

describe.each(await testDialects())("serve cannot start, on %s", (dialect) => {
  test("the port is taken: exit 78, one line naming the port, and no schema created", async () => {
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("someone else") });
    cleanups.push(() => taken.stop(true));
    const tdb = await database(dialect);
    const dataDir = join(tempDir(), "data");
    const r = await runCli(serveArgs(tdb, dataDir, taken.port as number));
    expectOneLine(r, 78, `127.0.0.1 port ${taken.port} is already in use`, "--port");
    expect(await tableCount(tdb)).toBe(0);
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
  }, 60_000);

  test("an address this machine does not have: exit 78, one line naming it", async () => {
    const tdb = await database(dialect);
    const address = foreignAddress();
    const r = await runCli(serveArgs(tdb, join(tempDir(), "data"), 0, address));
    expectOneLine(r, 78, `${address} is not an address of this machine`, "--host");
    expect(await tableCount(tdb)).toBe(0);
  }, 60_000);

  test("a read-only data directory: exit 78, one line naming it", async () => {
    const tdb = await database(dialect);
    const dataDir = tempDir();
    if (dialect === "sqlite") mkdirSync(join(dataDir, "unused"), { recursive: true }); // the SQLite file lives elsewhere here
    const r = await runCli(serveArgs(tdb, dataDir, 0), { prefix: readOnly(dataDir) });
    expectOneLine(r, 78, `the data directory ${dataDir} cannot be written`, "--data-dir");
    expect(await tableCount(tdb)).toBe(0);
  }, 60_000);

  test("SIGHUP drains like SIGTERM: an acknowledged callback is stored, exit 0", async () => {
    const tdb = await database(dialect);
    if (dialect === "mysql") expect((await runCli(["migrate", "--db", tdb.url, "--log-level", "silent"])).code).toBe(0);
    const serve = await startServeProcess({ dbUrl: tdb.url, dataDir: tempDir(), port: freePort() });
    cleanups.push(() => serve.proc.kill("SIGKILL"));
    const id = uniqueId("ws_CO_HUP");
    const answer = await fetch(`${serve.url}/mpesa/callback`, { method: "POST", body: successBody(id, "HUP0000001"), headers: { "content-type": "application/json" } });
    expect(answer.status).toBe(200);
    serve.proc.kill("SIGHUP");
    expect(await serve.proc.exited).toBe(0);
    expect(serve.output()).toContain("SIGHUP: finishing requests in flight");
    await waitFor(() => serve.output().includes("stopped"), { what: "the stopped line" });
    const db = await openDatabase(tdb.target);
    try {
      const rows = await db.sequelize.query("SELECT 1 FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
      expect(rows.length).toBe(1);
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe.skipIf(!(await mysqlAvailable()))("serve against an unreachable database", () => {
  test("exit 69 (systemd tries again: the database may come back), one line, and the port is free again", async () => {
    const port = freePort();
    const r = await runCli(["serve", "--db", "mysql://app:s3cret@127.0.0.1:1/pay", "--data-dir", join(tempDir(), "data"), "--port", String(port), "--host", "127.0.0.1"]);
    expectOneLine(r, 69, "cannot open the database mysql://app:***@127.0.0.1:1/pay", "check that MySQL is running");
    expect(r.stderr).not.toContain("s3cret");
    const again = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response() });
    again.stop(true);
  }, 60_000);
});

describe("files serve creates outside systemd (no UMask=0077 there)", () => {
  test("with umask 022 the data directory and spool are 0700, the SQLite file and its WAL 0600", async () => {
    const dataDir = join(tempDir(), "new", "data");
    const port = freePort();
    const proc = Bun.spawn(["sh", "-c", 'umask 022; exec "$@"', "sh", process.execPath, MAIN, "serve", "--data-dir", dataDir, "--port", String(port), "--host", "127.0.0.1"], {
      env: { PATH: process.env.PATH ?? "" }, stdout: "ignore", stderr: "ignore",
    });
    cleanups.push(() => proc.kill("SIGKILL"));
    await waitFor(() => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false), { what: "serve to answer", timeoutMs: 60_000 });
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    const sqlite = join(dataDir, "mpesa-cb.sqlite");
    expect([dirname(dataDir), dataDir, join(dataDir, "spool")].map(mode)).toEqual(["700", "700", "700"]);
    expect([sqlite, `${sqlite}-wal`, `${sqlite}-shm`].filter((p) => existsSync(p)).map(mode)).toEqual(["600", "600", "600"]);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  }, 60_000);
});
