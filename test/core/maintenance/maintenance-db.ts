// Test helpers for replay and purge: a fresh migrated database, callback_logs rows written by hand (as an older
// server would have left them), callbacks stored live through the real stores, and row counts of every table.
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { parseConfig, type Config } from "../../../src/core/config.ts";
import { sqlTime } from "../../../src/core/store/callback-log-sql.ts";
import { toItem, writeByFamily, type FamilyStore } from "../../../src/core/ingest/ingest.ts";
import { buildFamilyStores } from "../../../src/core/maintenance/stores.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "../../support/databases.ts";

export interface Fresh {
  tdb: TestDatabase;
  db: Database;
  close(): Promise<void>;
}

export async function freshDatabase(dialect: TestDialect): Promise<Fresh> {
  const tdb = await createTestDatabase(dialect);
  const db = await openDatabase(tdb.target);
  await migrate(db);
  return { tdb, db, close: async () => { await db.close(); await tdb.drop(); } };
}

/** Notifications on (admin and receipts), so that a second notification would show. */
export const TEST_CONFIG: Config = (() => {
  const c = parseConfig({ TELEGRAM_BOT_TOKEN: "123:test", ADMIN_CHAT_ID: "-100777" });
  if (!c.ok) throw new Error(JSON.stringify(c.problems));
  return c.value;
})();

export function storesOf(db: Database): Map<string, FamilyStore> {
  return buildFamilyStores(db, TEST_CONFIG);
}

/** Stores a callback as serve does; returns its outcome. */
export async function storeLive(db: Database, body: string, o: { family?: string; route?: string; receivedAt?: Date } = {}): Promise<string> {
  const request = { id: crypto.randomUUID(), receivedAt: o.receivedAt ?? new Date(), sourceIp: "196.201.214.200", family: o.family ?? "stk", route: o.route ?? "/mpesa/callback", rawBody: body };
  const [outcome] = await writeByFamily(storesOf(db), [toItem(request)]);
  return outcome as string;
}

export interface LogRow {
  requestId?: string | null;
  family?: string | null;
  route?: string | null;
  raw?: string | null;
  outcome?: string | null;
  httpStatus?: number | null;
  problems?: unknown[] | null;
  receivedAt?: Date;
}

/** A callback_logs row as an older server (or the edge) left it; returns its id. */
export async function insertLog(db: Database, r: LogRow): Promise<number> {
  const requestId = r.requestId === undefined ? crypto.randomUUID() : r.requestId;
  await db.sequelize.query(
    `INSERT INTO callback_logs (request_id, family, route, raw_payload, outcome, http_status, problems, received_at, processed, source_ip)
     VALUES (?,?,?,?,?,?,?,?,?,?)`,
    { replacements: [requestId, r.family === undefined ? "stk" : r.family, r.route === undefined ? "/mpesa/callback" : r.route, r.raw ?? null,
      r.outcome ?? "rejected", r.httpStatus === undefined ? 400 : r.httpStatus, r.problems ? JSON.stringify(r.problems) : null,
      sqlTime(r.receivedAt ?? new Date()), r.httpStatus === 200 ? 1 : 0, "196.201.214.200"] });
  const [row] = await select(db, "SELECT id FROM callback_logs WHERE request_id = ? OR (? IS NULL AND request_id IS NULL) ORDER BY id DESC LIMIT 1", [requestId, requestId]);
  return Number(row?.id);
}

export async function select(db: Database, sql: string, replacements: unknown[] = []): Promise<Record<string, unknown>[]> {
  return db.sequelize.query<Record<string, unknown>>(sql, { replacements, type: QueryTypes.SELECT });
}

export const TABLES = ["transactions", "callback_logs", "notifications", "c2b_payments", "c2b_validations", "daraja_results", "account_balances", "payment_requests", "b2c_requests", "users"];

/** Every table's full content, to compare before and after (a dry run, a second run). */
export async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t] = (await select(db, `SELECT * FROM ${t} ORDER BY id`)).map((r) => JSON.stringify(r));
  return out;
}
