// `mpesa-cb health` run as cron runs it (a child process, output to a pipe): exit codes, --quiet, --json, --direct,
// against the real server in each state.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrate } from "../../src/core/store/migrations.ts";
import { openDatabase } from "../../src/core/store/database.ts";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, mysqlAvailable, testDialects, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";

const root = resolve(import.meta.dir, "../..");
setDefaultTimeout(30_000); // each check starts a bun process: seconds on a busy 2-core machine
const haveMysql = await mysqlAvailable();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function health(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "src/cli/main.ts", "health", ...args], {
    cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

async function database(dialect: "sqlite" | "mysql"): Promise<TestDatabase> {
  const tdb = await createTestDatabase(dialect);
  cleanups.push(() => tdb.drop());
  return tdb;
}

async function service(dialect: "sqlite" | "mysql"): Promise<{ svc: Service; tdb: TestDatabase }> {
  const tdb = await database(dialect);
  const svc = await startTestService(tdb);
  cleanups.push(() => svc.stop().catch(() => {}));
  return { svc, tdb };
}

function fake(fetch: (req: Request) => Response | Promise<Response>): string {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
  cleanups.push(() => server.stop(true));
  return `http://127.0.0.1:${server.port}`;
}

describe.each(await testDialects())("health of the real service on %s", (dialect) => {
  test("healthy: exit 0 and one line; --quiet prints nothing; --json carries the server's report", async () => {
    const { svc } = await service(dialect);
    const plain = await health(["--url", svc.url]);
    expect(plain.code).toBe(0);
    const node = dialect === "mysql" ? "127\\.0\\.0\\.1:\\d+, " : ""; // the MySQL node in use
    expect(plain.stdout).toMatch(new RegExp(`^HEALTHY: ${svc.url}/health: database up \\(${dialect}, ${node}[\\d.]+ ms\\); telegram disabled\\n$`));
    expect(await health(["--url", svc.url, "--quiet"])).toEqual({ code: 0, stdout: "", stderr: "" });
    const json = await health(["--url", svc.url, "--json"]);
    const parsed = JSON.parse(json.stdout) as { status: string; exitCode: number; report: { database: { status: string } } };
    expect([json.code, parsed.status, parsed.exitCode, parsed.report.database.status]).toEqual([0, "healthy", 0, "up"]);
  });

  test("database down: exit 2, and --quiet still speaks", async () => {
    const { svc, tdb } = await service(dialect);
    if (dialect === "sqlite") await svc.db.close();
    else await tdb.drop();
    const r = await health(["--url", svc.url, "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^UNHEALTHY: .*database down/);
    const json = JSON.parse((await health(["--url", svc.url, "--json"])).stdout) as { status: string; report: { status: string } };
    expect([json.status, json.report.status]).toEqual(["unhealthy", "unhealthy"]); // one word: the server's, the terminal's, the JSON's
  });

  test("degraded while the spool cannot be written: exit 1, naming the spool, the same word in --json", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-health-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const tdb = await database(dialect);
    const svc = await startTestService(tdb, { MPESA_CB_DATA_DIR: dataDir });
    cleanups.push(() => svc.stop().catch(() => {}));
    const spoolDir = join(dataDir, "spool");
    rmSync(spoolDir, { recursive: true, force: true });
    writeFileSync(spoolDir, "a file where the spool directory should be: writes fail, also for root");
    const r = await health(["--url", svc.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DEGRADED: .*spool not writable: .*spool/);
    const json = JSON.parse((await health(["--url", svc.url, "--json"])).stdout) as { status: string; exitCode: number; report: { status: string; spool: { writable: boolean } } };
    expect([json.status, json.exitCode, json.report.status, json.report.spool.writable]).toEqual(["degraded", 1, "degraded", false]);
    rmSync(spoolDir);
    expect((await health(["--url", svc.url])).code).toBe(0); // the directory is made again: healthy without a restart
  });

  test("without --url it asks 127.0.0.1 on PORT from the environment (as the systemd timer does)", async () => {
    const { svc } = await service(dialect);
    expect((await health([], { PORT: String(svc.port), HOST: "0.0.0.0" })).code).toBe(0);
  });
});

test("--env-file: asks the HOST and PORT of the settings file, as the health unit runs it", async () => {
  const { svc } = await service("sqlite");
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-health-env-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "mpesa-cb.env");
  writeFileSync(file, `HOST=0.0.0.0\nPORT=${svc.port}\n`);
  const r = await health(["--env-file", file]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`http://127.0.0.1:${svc.port}/health`);
});

describe("health of other servers", () => {
  test("nothing listening: exit 2, saying so", async () => {
    const r = await health(["--url", "http://127.0.0.1:1"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("connection refused");
  });

  test("no answer within --timeout: exit 2, saying so", async () => {
    const url = fake(() => new Promise<Response>(() => {}));
    const r = await health(["--url", url, "--timeout", "300"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("within 300 ms");
  });

  test("something that is not mpesa-cb (a web page) is down, not healthy", async () => {
    const url = fake(() => new Response("<html>Welcome to nginx!</html>", { headers: { "content-type": "text/html" } }));
    const r = await health(["--url", url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("without a health report: is");
  });
});

describe("health --direct (the database, with serve's settings)", () => {
  test("a migrated SQLite file is healthy", async () => {
    const tdb = await database("sqlite");
    const db = await openDatabase(tdb.target);
    await migrate(db);
    await db.close();
    const r = await health(["--direct", "--db", tdb.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith(`HEALTHY: ${tdb.url}: database up`);
  });

  test("a missing SQLite file is down, and is not created", async () => {
    const tdb = await database("sqlite");
    const path = tdb.target.dialect === "sqlite" ? tdb.target.path : "";
    const r = await health(["--direct"], { DATABASE_URL: tdb.url });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("no database file");
    expect(existsSync(path)).toBe(false);
  });

  test("an unreachable MySQL is down; the password is not printed", async () => {
    const r = await health(["--direct", "--timeout", "2000"], { DATABASE_URL: "mysql://app:hunter2secret@127.0.0.1:1/pay" });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("UNHEALTHY: mysql://app:***@127.0.0.1:1/pay: cannot open the database");
    expect(r.stdout + r.stderr).not.toContain("hunter2secret");
  });

  test.skipIf(!haveMysql)("an un-migrated MySQL database is down", async () => {
    const tdb = await database("mysql");
    const r = await health(["--direct", "--db", tdb.url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("schema_migrations");
  });

  test("a bad setting is a configuration error (78), as for serve", async () => {
    const r = await health(["--direct"], { DATABASE_URL: "postgres://x/y" });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("DATABASE_URL (--db): has scheme \"postgres:\"");
  });
});
