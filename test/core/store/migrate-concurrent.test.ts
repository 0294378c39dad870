// `migrate` started twice at once (two hosts deploying onto one cluster), the cluster-wide lock row that keeps them
// apart where GET_LOCK cannot (a Galera node's GET_LOCK is its own), and a primary key on every table (Galera needs
// one to replicate a table's rows), also on a database upgraded from the original server's.
import { afterAll, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate, runMigrations, MIGRATIONS } from "../../../src/core/store/migrations.ts";
import { LOCK_TABLE, STALE_S } from "../../../src/core/store/migration-lock.ts";
import { AppError } from "../../../src/core/errors.ts";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../../support/databases.ts";
import { collectOutput } from "../../support/serve-process.ts";
import legacySchema from "../fixtures/legacy-python-schema.sql" with { type: "text" };

const MAIN = resolve(import.meta.dir, "../../../src/cli/main.ts");
const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
});

async function freshDatabase(): Promise<TestDatabase> {
  const tdb = await createTestDatabase("mysql");
  dropLater.push(tdb);
  return tdb;
}

async function runMigrateProcess(url: string): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn([process.execPath, MAIN, "migrate", "--db", url], { env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
  let output = "";
  collectOutput(proc, (t) => (output += t));
  const code = await proc.exited;
  await Bun.sleep(0); // the last chunks of output
  return { code, output };
}

const ledger = (db: Database) => db.sequelize.query<{ version: number; completed: number }>(
  "SELECT version, completed FROM schema_migrations ORDER BY version", { type: QueryTypes.SELECT });
const lockRows = async (db: Database) => Number((await db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${LOCK_TABLE}`, { type: QueryTypes.SELECT }))[0]?.n);

describe.if(await mysqlAvailable())("two migrate runs at once", () => {
  test("two processes: both exit 0, one schema, the ledger complete once, the lock row gone", async () => {
    const tdb = await freshDatabase();
    const [a, b] = await Promise.all([runMigrateProcess(tdb.url), runMigrateProcess(tdb.url)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outputs = [a.output, b.output].join("\n---\n");
    expect(outputs).toContain(`up to date (applied ${MIGRATIONS.mysql.length})`);
    expect(outputs).toContain("already up to date"); // the second waited, then found nothing to do
    const db = await openDatabase(tdb.target);
    try {
      const rows = (await ledger(db)).map((r) => ({ version: Number(r.version), completed: Number(r.completed) }));
      expect(rows).toEqual(MIGRATIONS.mysql.map((m) => ({ version: m.version, completed: 1 })).sort((x, y) => x.version - y.version));
      expect(await lockRows(db)).toBe(0);
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  test("two connections pools in one process: one applies everything, the other nothing", async () => {
    const tdb = await freshDatabase();
    const [one, two] = [await openDatabase(tdb.target), await openDatabase(tdb.target)];
    try {
      const applied = await Promise.all([migrate(one), migrate(two)]);
      expect(applied.map((a) => a.length).sort((x, y) => x - y)).toEqual([0, MIGRATIONS.mysql.length]);
    } finally {
      await one.close();
      await two.close();
    }
  }, 120_000);
});

// Another node's migrate: its GET_LOCK is not seen here, only its committed lock row.
describe.if(await mysqlAvailable())("the lock row", () => {
  const holdRow = async (db: Database, silentSeconds: number) => {
    await migrate(db); // creates the lock table (and the schema); then another "node" holds the lock
    await db.sequelize.query(`INSERT INTO ${LOCK_TABLE} VALUES (1, 'mpesa-cb migrate, process 4242 on db2', 'aaaabbbbccccddddaaaabbbbccccdddd', UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL ? SECOND)`,
      { replacements: [silentSeconds] });
    // the last migration recorded as not finished (all its statements done): a rerun has it to complete
    await db.sequelize.query("UPDATE schema_migrations SET completed = 0 WHERE version = ?", { replacements: [MIGRATIONS.mysql.at(-1)?.version] });
  };

  test("held by a live migrate elsewhere: refused after the wait, naming the holder; nothing applied", async () => {
    const tdb = await freshDatabase();
    const db = await openDatabase(tdb.target);
    try {
      await holdRow(db, 0);
      const e = await migrate(db, { lockWaitSeconds: 1 }).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).kind).toBe("database");
      expect((e as AppError).message).toContain("another `mpesa-cb migrate` (mpesa-cb migrate, process 4242 on db2) has held the migration lock");
      expect((e as AppError).hint).toContain(`taken over once silent for ${STALE_S} s`);
      expect((await ledger(db)).filter((r) => Number(r.completed) === 1).length).toBe(MIGRATIONS.mysql.length - 1);
      expect(await lockRows(db)).toBe(1); // not ours to delete
    } finally {
      await db.close();
    }
  }, 60_000);

  test("left by a migrate that crashed (silent past the limit): taken over with a clear line, applied, released", async () => {
    const tdb = await freshDatabase();
    const db = await openDatabase(tdb.target);
    try {
      await holdRow(db, STALE_S + 60);
      const lines: string[] = [];
      const report = await runMigrations(db, { lockWaitSeconds: 5, log: (l) => lines.push(l) });
      expect(report.applied).toEqual([MIGRATIONS.mysql.at(-1)?.name ?? ""]);
      expect(lines[0]).toContain('took over the migration lock');
      expect(lines[0]).toContain('from "mpesa-cb migrate, process 4242 on db2", silent for');
      expect(await lockRows(db)).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe.if(await mysqlAvailable())("every table has a primary key after migrate", () => {
  const withoutPrimaryKey = (db: Database) => db.sequelize.query<{ name: string }>(
    `SELECT t.table_name AS name FROM information_schema.tables t
     WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND NOT EXISTS (
       SELECT 1 FROM information_schema.table_constraints c
       WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')`,
    { type: QueryTypes.SELECT });

  test.each([["a fresh database", false], ["the original server's database, upgraded", true]])("%s", async (_what, legacy) => {
    const tdb = await freshDatabase();
    if (legacy) {
      const admin = await adminConnection();
      await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema}`);
      await admin.end();
    }
    const db = await openDatabase(tdb.target);
    try {
      await migrate(db);
      expect(await withoutPrimaryKey(db)).toEqual([]);
      const tables = await db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()", { type: QueryTypes.SELECT });
      expect(Number(tables[0]?.n)).toBeGreaterThan(10); // the query really saw the schema
    } finally {
      await db.close();
    }
  }, 60_000);
});
