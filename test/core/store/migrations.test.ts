// migrate: fresh databases, reruns, and the in-place upgrade of a database made by the original Python server.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../../src/core/store/database.ts";
import { migrate, pendingMigrations, runMigrations, splitStatements, MIGRATIONS, type Migration } from "../../../src/core/store/migrations.ts";
import { AppError } from "../../../src/core/errors.ts";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { adminConnection, createTestDatabase, mysqlAvailable, testDialects, type TestDatabase } from "../../support/databases.ts";
import { failure, item, success } from "../../support/callbacks.ts";
import legacySchema from "../fixtures/legacy-python-schema.sql" with { type: "text" };

const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
});

test("splitStatements splits at line-ending semicolons and drops comments", () => {
  expect(splitStatements("-- c\nCREATE TABLE a (x INT);\n\nINSERT INTO a VALUES (1);\n")).toEqual(["CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)"]);
  expect(MIGRATIONS.mysql.every((m) => splitStatements(m.sql).length > 0)).toBe(true);
});

describe.each(await testDialects())("migrate on %s", (dialect) => {
  test("creates the schema on an empty database; a second run changes nothing", async () => {
    const tdb = await createTestDatabase(dialect);
    dropLater.push(tdb);
    const db = await openDatabase(tdb.target);
    try {
      expect((await pendingMigrations(db)).length).toBe(MIGRATIONS[dialect].length);
      expect(await migrate(db)).toEqual(MIGRATIONS[dialect].map((m) => m.name));
      expect(await pendingMigrations(db)).toEqual([]);
      expect(await migrate(db)).toEqual([]);
      const tables = dialect === "sqlite"
        ? await db.sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", { type: QueryTypes.SELECT })
        : await db.sequelize.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name", { type: QueryTypes.SELECT });
      // MySQL also has the cluster-wide migration lock's table (migration-lock.ts); SQLite needs none.
      const lockTable = dialect === "mysql" ? ["schema_migration_lock"] : [];
      expect(tables.map((t) => t.name)).toEqual(["account_balances", "b2c_requests", "c2b_accounts", "c2b_payments", "c2b_validations", "callback_logs", "daraja_results", "low_balance_state", "notifications", "payment_requests", "schema_migrations", ...lockTable, "transactions", "users"]);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!(await mysqlAvailable()))("upgrading the original Python server's MySQL database", () => {
  test("keeps every row and value, and the result is usable by the callback store", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema}`);
    const snapshot = async () => {
      const [rows] = await admin.query("SELECT id, checkout_request_id, result_code, amount, mpesa_receipt_number, phone_number, status FROM transactions ORDER BY id");
      return JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];
    };
    const before = await snapshot();
    const counts = async () => {
      const [rows] = await admin.query("SELECT (SELECT COUNT(*) FROM transactions) t, (SELECT COUNT(*) FROM users) u, (SELECT COUNT(*) FROM payment_requests) p, (SELECT COUNT(*) FROM callback_logs) c, (SELECT COUNT(*) FROM notifications) n");
      return JSON.stringify(rows);
    };
    const countsBefore = await counts();

    const db = await openDatabase(tdb.target);
    try {
      expect(await migrate(db)).toEqual(MIGRATIONS.mysql.map((m) => m.name));
      expect(await counts()).toBe(countsBefore);
      const after = await snapshot();
      // result codes became strings, empty receipts became NULL, the second row with a receipt gave it up (below);
      // nothing else moved
      const receipt = (r: Record<string, unknown>) => (r.mpesa_receipt_number === "" || r.id === 5 ? null : r.mpesa_receipt_number);
      expect(after).toEqual(before.map((r) => ({ ...r, result_code: r.result_code === null ? null : String(r.result_code), mpesa_receipt_number: receipt(r) })));
      expect(await migrate(db)).toEqual([]);

      // The old server's Pending row is completed by its callback; its cancelled one is a duplicate.
      const store = createCallbackStore(db);
      expect(await store.writeBatch([item(success("ws_CO_LEGACY_PENDING", "LEGACYRC01", 2500)), item(failure("ws_CO_LEGACY_CANCEL"))])).toEqual(["new", "duplicate"]);
      const [rows] = await admin.query("SELECT status, amount, mpesa_receipt_number FROM transactions WHERE checkout_request_id = 'ws_CO_LEGACY_PENDING'");
      expect(JSON.parse(JSON.stringify(rows))).toEqual([{ status: "Success", amount: "25.00", mpesa_receipt_number: "LEGACYRC01" }]);
    } finally {
      await db.close();
      await admin.end();
    }
  });
});

// The original server's test_callback.py, run twice, leaves two rows with one receipt (the fixture has them: ids 1 and 5).
describe.skipIf(!(await mysqlAvailable()))("MySQL: a receipt on two of the original server's rows", () => {
  async function legacyDatabase(): Promise<{ tdb: TestDatabase; admin: Awaited<ReturnType<typeof adminConnection>> }> {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema}`);
    return { tdb, admin };
  }
  const receipts = async (admin: Awaited<ReturnType<typeof adminConnection>>) => {
    const [rows] = await admin.query("SELECT id, mpesa_receipt_number, duplicate_receipt_number, duplicate_of_id FROM transactions WHERE id IN (1, 5) ORDER BY id");
    return JSON.parse(JSON.stringify(rows)) as unknown;
  };
  const MOVED = [
    { id: 1, mpesa_receipt_number: "LEGACYRC00", duplicate_receipt_number: null, duplicate_of_id: null },
    { id: 5, mpesa_receipt_number: null, duplicate_receipt_number: "LEGACYRC00", duplicate_of_id: 1 },
  ];

  test("the first row keeps it, the later one keeps it aside; reported; the unique key holds", async () => {
    const { tdb, admin } = await legacyDatabase();
    const db = await openDatabase(tdb.target);
    try {
      const report = await runMigrations(db);
      expect(report.applied).toEqual(MIGRATIONS.mysql.map((m) => m.name));
      expect(report.movedReceipts).toEqual([{ id: 5, receipt: "LEGACYRC00", keptById: 1 }]);
      expect(await receipts(admin)).toEqual(MOVED);
      const [count] = await admin.query("SELECT COUNT(*) AS n FROM transactions");
      expect(JSON.parse(JSON.stringify(count))).toEqual([{ n: 5 }]);
      await expect(admin.query("UPDATE transactions SET mpesa_receipt_number = 'LEGACYRC00' WHERE id = 5")).rejects.toThrow(/Duplicate entry/);
      expect(await runMigrations(db)).toEqual({ applied: [], movedReceipts: [] });
    } finally {
      await db.close();
      await admin.end();
    }
  });

  test("a database left with 002 half done by the old migrate (it stopped at the unique key) is finished", async () => {
    const { tdb, admin } = await legacyDatabase();
    const db = await openDatabase(tdb.target);
    try {
      // What the old migrate left: 001 complete, 002's first two statements applied and recorded, then the refusal.
      await pendingMigrations(db); // creates the ledger
      const [m001, m002] = MIGRATIONS.mysql.filter((m) => m.version === 1 || m.version === 2) as [Migration, Migration];
      for (const s of splitStatements(m001.sql)) await db.sequelize.query(s);
      for (const s of splitStatements(m002.sql).slice(0, 2)) await db.sequelize.query(s);
      expect(splitStatements(m002.sql)[2]).toContain("ADD UNIQUE KEY uq_transactions_receipt");
      await db.sequelize.query("INSERT INTO schema_migrations VALUES (1, ?, 'old', ?, 1, NULL), (2, ?, 'old', 2, 0, NULL)",
        { replacements: [m001.name, splitStatements(m001.sql).length, m002.name] });

      const report = await runMigrations(db);
      expect(report.applied).toEqual(MIGRATIONS.mysql.filter((m) => m.version !== 1).map((m) => m.name));
      expect(report.movedReceipts).toEqual([{ id: 5, receipt: "LEGACYRC00", keptById: 1 }]);
      expect(await receipts(admin)).toEqual(MOVED);
      expect(await pendingMigrations(db)).toEqual([]);
    } finally {
      await db.close();
      await admin.end();
    }
  });
});

// A refusal names the migration, the statement and the database's words, and says what to do next.
async function refusalOf(run: Promise<unknown>): Promise<AppError> {
  const e = await run.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe.skipIf(!(await mysqlAvailable()))("MySQL: the database refuses a statement", () => {
  test("the error names migration, statement, the database's words, and how to resume", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema}`);
    await admin.query("ALTER TABLE transactions ADD COLUMN conflict_count INT"); // someone's own change, in 002's way
    const db = await openDatabase(tdb.target);
    try {
      const e = await refusalOf(migrate(db));
      expect(e.kind).toBe("schema");
      expect(e.message).toContain("002_callback_integrity");
      expect(e.message).toContain("statement 1 of");
      expect(e.message).toContain("ALTER TABLE transactions MODIFY result_code VARCHAR(20) NULL");
      expect(e.message).not.toContain("last_conflict_at"); // the statement is shortened
      expect(e.message).toContain("Duplicate column name 'conflict_count'");
      expect(e.hint).toContain("mpesa-cb migrate");
      expect(e.hint).toContain("resumes at statement 1");
      await admin.query("ALTER TABLE transactions DROP COLUMN conflict_count"); // the operator's fix
      expect(await migrate(db)).toContain("002_callback_integrity");
    } finally {
      await db.close();
      await admin.end();
    }
  });

  test("the connection lost in the middle of a statement: a database error (69) that says it resumes there", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    const name = tdb.target.dialect === "mysql" ? tdb.target.database : "";
    await admin.query(`USE \`${name}\`; ${legacySchema}`);
    // An open transaction that read transactions holds its metadata lock: 006's ALTER waits for it.
    await admin.query("BEGIN; SELECT COUNT(*) FROM transactions;");
    const db = await openDatabase(tdb.target);
    try {
      const run = migrate(db).then(() => null, (err: unknown) => err);
      const watcher = await adminConnection();
      let id: number | undefined;
      for (let i = 0; i < 300 && id === undefined; i++) {
        const [rows] = await watcher.query("SELECT id FROM information_schema.processlist WHERE db = ? AND info LIKE 'ALTER TABLE transactions%'", [name]);
        id = (rows as { id: number }[])[0]?.id;
        if (id === undefined) await Bun.sleep(50);
      }
      expect(id).toBeDefined();
      await watcher.query(`KILL ${Number(id)}`); // as a restart of the database server would
      await watcher.end();
      const e = await run;
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect(err.kind).toBe("database");
      expect(err.message).toContain("migration 006_receipt_duplicates, statement 1 of 3 (ALTER TABLE transactions ADD COLUMN duplicate_receipt_number");
      expect(err.hint).toContain("resumes at statement 1");
      await admin.query("COMMIT");
      expect(await migrate(db)).toEqual(MIGRATIONS.mysql.slice(1).map((m) => m.name));
    } finally {
      await db.close();
      await admin.end();
    }
  }, 60_000);

  test("another migrate holding the database's lock: a clear refusal, not an unguarded run", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    const db = await openDatabase(tdb.target);
    try {
      await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\``);
      const [held] = await admin.query("SELECT GET_LOCK(CONCAT('mpesa_cb_migrate:', MD5(DATABASE())), 0) AS got");
      expect(JSON.parse(JSON.stringify(held))).toEqual([{ got: 1 }]);
      const e = await refusalOf(migrate(db, { lockWaitSeconds: 1 }));
      expect(e.kind).toBe("database");
      expect(e.message).toContain("another `mpesa-cb migrate`");
      await admin.query("SELECT RELEASE_LOCK(CONCAT('mpesa_cb_migrate:', MD5(DATABASE())))");
      expect(await migrate(db)).toEqual(MIGRATIONS.mysql.map((m) => m.name));
    } finally {
      await db.close();
      await admin.end();
    }
  });
});

describe("SQLite: the database refuses a statement", () => {
  test("the error names migration, statement, the database's words; nothing of the file was applied", async () => {
    const tdb = await createTestDatabase("sqlite");
    dropLater.push(tdb);
    const db = await openDatabase(tdb.target);
    try {
      await db.sequelize.query("CREATE TABLE notifications_new (x INTEGER)"); // in 002_outbox's way
      const e = await refusalOf(migrate(db));
      expect(e.kind).toBe("schema");
      expect(e.message).toContain("002_outbox");
      expect(e.message).toContain("statement 1 of");
      expect(e.message).toContain("CREATE TABLE notifications_new");
      expect(e.message).toContain("table notifications_new already exists");
      expect(e.hint).toContain("none of 002_outbox was applied");
      expect(e.hint).toContain("mpesa-cb migrate");
      await db.sequelize.query("DROP TABLE notifications_new");
      expect(await migrate(db)).toEqual(MIGRATIONS.sqlite.slice(1).map((m) => m.name));
    } finally {
      await db.close();
    }
  });
});
