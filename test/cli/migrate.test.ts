// `mpesa-cb migrate` as an operator runs it (a process: exit code, stdout, stderr) on upgrades that used to crash.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases.ts";
import legacySchema from "../core/fixtures/legacy-python-schema.sql" with { type: "text" };

const MAIN = join(import.meta.dir, "../../src/cli/main.ts");
const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
});

async function runMigrateProcess(url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DATABASE_URL|DB_|MPESA_CB_)/.test(k)) env[k] = v;
  const proc = Bun.spawn([process.execPath, MAIN, "migrate", "--db", url], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

// Whatever went wrong, the operator reads what to do, not a crash.
function expectNoCrash(out: { stdout: string; stderr: string }): void {
  const all = out.stdout + out.stderr;
  expect(all).not.toContain("a bug");
  expect(all).not.toMatch(/^\s+at /m); // no stack trace
}

async function legacyMysql(extra = ""): Promise<TestDatabase> {
  const tdb = await createTestDatabase("mysql");
  dropLater.push(tdb);
  const admin = await adminConnection();
  await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema} ${extra}`);
  await admin.end();
  return tdb;
}

describe.skipIf(!(await mysqlAvailable()))("migrate on the original server's MySQL database", () => {
  test("two rows with one receipt: exit 0, and stdout names the row set aside", async () => {
    const out = await runMigrateProcess((await legacyMysql()).url);
    expectNoCrash(out);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("applied 006_receipt_duplicates: 1 row(s) shared a receipt");
    expect(out.stdout).toContain("transaction 5 (LEGACYRC00, kept by transaction 1)");
    expect(out.stdout).toContain("duplicate_receipt_number");
  }, 60_000);

  test("a statement the database refuses: exit 78 with migration, statement, the database's words and what to do", async () => {
    const out = await runMigrateProcess((await legacyMysql("ALTER TABLE transactions ADD COLUMN conflict_count INT;")).url);
    expectNoCrash(out);
    expect(out.code).toBe(78);
    expect(out.stderr).toContain("migration 002_callback_integrity, statement 1 of 4 (ALTER TABLE transactions MODIFY");
    expect(out.stderr).toContain("Duplicate column name 'conflict_count'");
    expect(out.stderr).toContain("run `mpesa-cb migrate` again: it resumes at statement 1");
  }, 60_000);
});

describe("migrate on SQLite", () => {
  test("a statement the database refuses: exit 78 with migration, statement, the database's words and what to do", async () => {
    const tdb = await createTestDatabase("sqlite");
    dropLater.push(tdb);
    const { Database } = await import("bun:sqlite");
    const file = new Database(tdb.target.dialect === "sqlite" ? tdb.target.path : "", { create: true });
    file.run("CREATE TABLE transactions (id INTEGER)"); // not ours: 001 cannot create its table
    file.close();
    const out = await runMigrateProcess(tdb.url);
    expectNoCrash(out);
    expect(out.code).toBe(78);
    expect(out.stderr).toContain("migration 001_initial, statement 1 of");
    expect(out.stderr).toContain("table transactions already exists");
    expect(out.stderr).toContain("none of 001_initial was applied");
  }, 60_000);
});
