// One meaning per column: transactions.transaction_date is Nairobi wall time (as the original server and its readers
// have it), transaction_date_utc the same instant in UTC (what mpesa-cb reads), on new, updated and legacy rows.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate, MIGRATIONS, pendingMigrations, splitStatements } from "../../../src/core/store/migrations.ts";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";
import { adminConnection, createTestDatabase, mysqlAvailable, testDialects, type TestDatabase, type TestDialect } from "../../support/databases.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";
import legacySchema from "../fixtures/legacy-python-schema.sql" with { type: "text" };

const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
});

const TIME_MIGRATION = { mysql: "007_transaction_date_utc", sqlite: "006_transaction_date_utc" } as const;

// As text, so the driver's idea of a DATETIME's zone stays out of it.
async function times(db: Database, where: string, value: unknown): Promise<{ local: string | null; utc: string | null }[]> {
  const rows = await db.sequelize.query<{ local: string | null; utc: string | null }>(
    `SELECT CAST(transaction_date AS CHAR) AS local, CAST(transaction_date_utc AS CHAR) AS utc FROM transactions WHERE ${where} ORDER BY id`,
    { replacements: [value], type: QueryTypes.SELECT });
  return rows.map((r) => ({ local: r.local === null ? null : String(r.local), utc: r.utc === null ? null : String(r.utc) }));
}

// The success fixture is paid at 20250115103112 Nairobi time, 07:31:12 UTC.
const PAID = { local: "2025-01-15 10:31:12", utc: "2025-01-15 07:31:12" };

describe.each(await testDialects())("transaction times on %s", (dialect) => {
  test("a new success, and a success after a cancel: Nairobi time in transaction_date, UTC in transaction_date_utc", async () => {
    const tdb = await createTestDatabase(dialect);
    dropLater.push(tdb);
    const db = await openDatabase(tdb.target);
    try {
      await migrate(db);
      const store = createCallbackStore(db, { notify: { adminChatId: "-100123", receipts: false } });
      const [fresh, late] = [uniqueId(), uniqueId()];
      expect(await store.writeBatch([item(success(fresh, `R${fresh.slice(-9)}`)), item(failure(late))])).toEqual(["new", "new"]);
      expect(await store.writeBatch([item(success(late, `R${late.slice(-9)}`))])).toEqual(["late-success"]);
      expect(await times(db, "checkout_request_id = ?", fresh)).toEqual([PAID]);
      expect(await times(db, "checkout_request_id = ?", late)).toEqual([PAID]);

      // What the alerts show as the payment's time is read from the UTC column.
      const claimed = await createOutboxQueue(db).claim("test", 10, 60_000);
      expect(claimed.length).toBeGreaterThan(0);
      for (const c of claimed) expect(c.view.family === "result" ? null : c.view.payment.paidAt?.toISOString()).toBe("2025-01-15T07:31:12.000Z");
    } finally {
      await db.close();
    }
  });

  test("rows an earlier mpesa-cb stored (UTC in transaction_date) are converted by the migration", async () => {
    const tdb = await createTestDatabase(dialect);
    dropLater.push(tdb);
    const db = await openDatabase(tdb.target);
    try {
      await migrateAllBut(db, dialect, TIME_MIGRATION[dialect]);
      await db.sequelize.query(`INSERT INTO transactions (checkout_request_id, result_code, amount, mpesa_receipt_number, transaction_date, status)
        VALUES ('ws_CO_EARLIER', '0', 10.00, 'REARLIER01', '2025-01-15 07:31:12', 'Success')`);
      await db.sequelize.query(`INSERT INTO callback_logs (checkout_request_id, raw_payload, result_code, processed, received_at, outcome)
        VALUES ('ws_CO_EARLIER', '{}', '0', 1, '2025-01-15 07:31:13', 'new')`);
      if (dialect === "mysql") {
        // Beside it, a row of the original server's, whose own log row has no outcome: its time is Nairobi's already.
        await db.sequelize.query(`INSERT INTO transactions (checkout_request_id, result_code, amount, mpesa_receipt_number, transaction_date, status)
          VALUES ('ws_CO_PYTHON', '0', 10.00, 'RPYTHON001', '2024-06-01 10:00:00', 'Success')`);
        await db.sequelize.query("INSERT INTO callback_logs (checkout_request_id, raw_payload, result_code, processed) VALUES ('ws_CO_PYTHON', '{}', '0', 1)");
      }
      expect(await migrate(db)).toEqual([TIME_MIGRATION[dialect]]);
      expect(await times(db, "checkout_request_id = ?", "ws_CO_EARLIER")).toEqual([PAID]);
      if (dialect === "mysql") {
        expect(await times(db, "checkout_request_id = ?", "ws_CO_PYTHON")).toEqual([{ local: "2024-06-01 10:00:00", utc: "2024-06-01 07:00:00" }]);
      }
    } finally {
      await db.close();
    }
  });
});

// Applies every migration but one, as a database an earlier version left (the ledger says so).
async function migrateAllBut(db: Database, dialect: TestDialect, name: string): Promise<void> {
  await pendingMigrations(db); // creates the ledger
  for (const m of MIGRATIONS[dialect].filter((x) => x.name !== name)) {
    for (const s of splitStatements(m.sql)) await db.sequelize.query(s);
    await db.sequelize.query("INSERT INTO schema_migrations VALUES (?, ?, 'earlier', ?, 1, NULL)", { replacements: [m.version, m.name, splitStatements(m.sql).length] });
  }
}

describe.skipIf(!(await mysqlAvailable()))("MySQL: the original server's rows", () => {
  test("keep their Nairobi time; the UTC column is filled 3 hours earlier; a legacy Pending row paid later gets both", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema}`);
    await admin.end();
    const db = await openDatabase(tdb.target);
    try {
      expect(await migrate(db)).toContain(TIME_MIGRATION.mysql);
      expect(await times(db, "id > ?", 0)).toEqual([
        { local: "2024-06-01 10:00:00", utc: "2024-06-01 07:00:00" }, // ws_CO_LEGACY_SUCCESS
        { local: null, utc: null }, { local: null, utc: null }, { local: null, utc: null },
        { local: "2024-06-02 09:00:00", utc: "2024-06-02 06:00:00" }, // the second test run
      ]);
      const store = createCallbackStore(db);
      expect(await store.writeBatch([item(success("ws_CO_LEGACY_PENDING", "LEGACYRC01", 2500))])).toEqual(["new"]);
      expect(await times(db, "checkout_request_id = ?", "ws_CO_LEGACY_PENDING")).toEqual([PAID]);
    } finally {
      await db.close();
    }
  });
});
