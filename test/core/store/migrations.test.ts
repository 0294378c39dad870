// migrate: fresh databases, reruns, and the in-place upgrade of a database made by the original Python server.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../../src/core/store/database.ts";
import { migrate, pendingMigrations, splitStatements, MIGRATIONS } from "../../../src/core/store/migrations.ts";
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
      expect(tables.map((t) => t.name)).toEqual(["callback_logs", "notifications", "payment_requests", "schema_migrations", "transactions", "users"]);
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
      // result codes became strings, empty receipts became NULL; nothing else moved
      expect(after).toEqual(before.map((r) => ({ ...r, result_code: r.result_code === null ? null : String(r.result_code), mpesa_receipt_number: r.mpesa_receipt_number === "" ? null : r.mpesa_receipt_number })));
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
