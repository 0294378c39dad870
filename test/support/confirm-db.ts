// A migrated test database (it has the verdict columns), and rows for the confirmer to work on.
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";
import { toSqlUtc } from "../../src/core/time.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./databases.ts";

export interface ConfirmDb {
  db: Database;
  test: TestDatabase;
  close(): Promise<void>;
}

export async function openConfirmDb(dialect: TestDialect): Promise<ConfirmDb> {
  const test = await createTestDatabase(dialect);
  const db = await openDatabase(test.target);
  await migrate(db);
  return { db, test, close: async () => { await db.close(); await test.drop(); } };
}

/** A success waiting for Daraja's confirmation, stored `ageMs` ago. */
export async function insertPendingSuccess(db: Database, checkoutRequestId: string, ageMs = 60_000): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO transactions (checkout_request_id, merchant_request_id, result_code, result_desc, amount, mpesa_receipt_number, phone_number, status, verdict, created_at)
     VALUES (?, ?, '0', 'The service request is processed successfully.', 1500.00, ?, '254700000001', 'Success', 'pending', ?)`,
    { replacements: [checkoutRequestId, `m-${checkoutRequestId}`, `R${checkoutRequestId.slice(-12)}`, toSqlUtc(new Date(Date.now() - ageMs))] },
  );
}

export interface VerdictRow {
  verdict: string | null;
  verdict_detail: string | null;
  verify_attempts: number;
}

export async function readVerdict(db: Database, checkoutRequestId: string): Promise<VerdictRow> {
  const [row] = await db.sequelize.query<Record<string, unknown>>(
    "SELECT verdict, verdict_detail, verify_attempts FROM transactions WHERE checkout_request_id = ?",
    { replacements: [checkoutRequestId], type: QueryTypes.SELECT },
  );
  if (row === undefined) throw new Error(`no transaction ${checkoutRequestId}`);
  return { verdict: row.verdict as string | null, verdict_detail: row.verdict_detail as string | null, verify_attempts: Number(row.verify_attempts) };
}

/** A logger that keeps every line, to check what was said and that no secret was. */
export function recordingLogger(): { lines: string[]; info(m: string): void; warn(m: string): void; debug(m: string): void } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), debug: (m) => lines.push(`debug ${m}`) };
}
