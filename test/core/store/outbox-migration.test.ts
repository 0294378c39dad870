// The outbox migration keeps every notification the original server (or an older mpesa-cb) wrote.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate, MIGRATIONS, pendingMigrations, splitStatements } from "../../../src/core/store/migrations.ts";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../../support/databases.ts";
import legacySchema from "../fixtures/legacy-python-schema.sql" with { type: "text" };

const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
});

const LEGACY_ROWS = [
  { transaction_id: 1, notification_type: "admin", recipient: "999", message: "Payment received", status: "sent", error_message: null },
  { transaction_id: 1, notification_type: "admin", recipient: "999", message: "Payment received", status: "sent", error_message: null }, // the old server's duplicate
  { transaction_id: 1, notification_type: "receipt", recipient: "111111111", message: "Thanks", status: "failed", error_message: "Forbidden" },
];
const readLegacy = (db: Database) =>
  db.sequelize.query<Record<string, unknown>>(
    "SELECT transaction_id, notification_type, recipient, message, status, error_message FROM notifications WHERE event_key IS NULL ORDER BY id",
    { type: QueryTypes.SELECT },
  );

// Legacy rows are history: not claimed, not counted as the outbox's backlog or failures; the new key still works.
async function expectOutboxIgnoresLegacy(db: Database): Promise<void> {
  const queue = createOutboxQueue(db);
  expect(await queue.claim("test", 10, 5_000)).toEqual([]);
  expect(await queue.stats()).toEqual({ pending: 0, oldestPendingAgeSeconds: null, failed: 0 });
}

describe.skipIf(!(await mysqlAvailable()))("MySQL: the original server's notifications", () => {
  test("survive the upgrade, duplicates included", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const admin = await adminConnection();
    await admin.query(`USE \`${tdb.target.dialect === "mysql" ? tdb.target.database : ""}\`; ${legacySchema}`);
    await admin.query("INSERT INTO notifications (transaction_id, notification_type, recipient, message, status) VALUES (1, 'admin', '999', 'Payment received', 'sent')");
    await admin.query("INSERT INTO notifications (transaction_id, notification_type, recipient, message, status, error_message) VALUES (1, 'receipt', '111111111', 'Thanks', 'failed', 'Forbidden')");
    await admin.end();
    const db = await openDatabase(tdb.target);
    try {
      await migrate(db);
      expect(await readLegacy(db)).toEqual(LEGACY_ROWS);
      await expectOutboxIgnoresLegacy(db);
    } finally {
      await db.close();
    }
  });
});

describe("SQLite: rows written before the outbox", () => {
  test("survive the table rebuild", async () => {
    const tdb = await createTestDatabase("sqlite");
    dropLater.push(tdb);
    const db = await openDatabase(tdb.target);
    try {
      // The database as version 001 left it, with rows in it.
      const first = MIGRATIONS.sqlite[0];
      for (const s of splitStatements(first?.sql ?? "")) await db.sequelize.query(s);
      await pendingMigrations(db); // creates the ledger
      await db.sequelize.query("INSERT INTO schema_migrations VALUES (?, ?, 'checksum', 1, 1, NULL)", { replacements: [first?.version, first?.name] });
      await db.sequelize.query("INSERT INTO transactions (checkout_request_id, status) VALUES ('ws_CO_OLD', 'Success')");
      for (const r of LEGACY_ROWS) {
        await db.sequelize.query("INSERT INTO notifications (transaction_id, notification_type, recipient, message, status, error_message) VALUES (?,?,?,?,?,?)",
          { replacements: [r.transaction_id, r.notification_type, r.recipient, r.message, r.status, r.error_message] });
      }
      expect(await migrate(db)).toEqual(MIGRATIONS.sqlite.slice(1).map((m) => m.name));
      expect(await readLegacy(db)).toEqual(LEGACY_ROWS);
      await expectOutboxIgnoresLegacy(db);
    } finally {
      await db.close();
    }
  });
});
