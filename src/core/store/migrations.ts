// Applies the versioned schema files in sql/ (embedded in the binary), recording each one, resumably.
import { createHash } from "node:crypto";
import { QueryTypes, type Transaction } from "sequelize";
import { AppError } from "../errors.ts";
import type { Database } from "./database.ts";
import { MIGRATIONS, splitStatements, type Migration } from "./migration-files.ts";
import { ledgerRefused, statementRefused } from "./migration-refusal.ts";
import { lockMigrations } from "./migration-lock.ts";

export { MIGRATIONS, splitStatements, type Migration } from "./migration-files.ts";

/** A row of the original server's that shared its receipt with an earlier row, which kept it. */
export interface MovedReceipt {
  id: number;
  receipt: string; // now in duplicate_receipt_number; mpesa_receipt_number is NULL
  keptById: number; // duplicate_of_id
}

export interface MigrationReport {
  applied: string[];
  movedReceipts: MovedReceipt[]; // set aside by this run
}

export interface MigrateOptions {
  lockWaitSeconds?: number; // how long to wait for another `migrate` on the same MySQL database (default 120: longer than a
  // crashed run's lock takes to go stale, migration-lock.ts)
  log?: (line: string) => void; // one line per migration applied, as it happens
}

interface AppliedRow {
  version: number;
  statements_done: number;
  completed: number | string;
}

const RECEIPT_DUPLICATES = "006_receipt_duplicates";

async function ensureLedger(db: Database): Promise<void> {
  await db.sequelize.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, checksum CHAR(64) NOT NULL,
       statements_done INTEGER NOT NULL DEFAULT 0, completed SMALLINT NOT NULL DEFAULT 0, applied_at VARCHAR(30) NULL)`,
  ).catch((e: unknown) => { throw ledgerRefused("create its ledger table schema_migrations", e); });
}

async function readLedger(db: Database): Promise<Map<number, AppliedRow>> {
  const rows = await db.sequelize.query<AppliedRow>("SELECT version, statements_done, completed FROM schema_migrations", { type: QueryTypes.SELECT })
    .catch((e: unknown) => { throw ledgerRefused("read its ledger table schema_migrations", e); });
  return new Map(rows.map((r) => [Number(r.version), r]));
}

/** Migrations not yet completed on this database (without changing anything but the ledger table). */
export async function pendingMigrations(db: Database): Promise<Migration[]> {
  await ensureLedger(db);
  const ledger = await readLedger(db);
  return MIGRATIONS[db.dialect].filter((m) => Number(ledger.get(m.version)?.completed ?? 0) !== 1);
}

/** Applies what is pending; returns the names applied. Safe to run twice, and to resume after a failure. */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  return (await runMigrations(db, options)).applied;
}

/** As `migrate`, and says what the upgrade changed in the data. A refusal is an AppError that says what to do. */
export async function runMigrations(db: Database, options: MigrateOptions = {}): Promise<MigrationReport> {
  // No per-query time limit: a lock wait or an ALTER of a big table may take minutes (database.ts queryTimeoutMs).
  return db.withoutQueryTimeout ? db.withoutQueryTimeout(() => runLocked(db, options)) : runLocked(db, options);
}

async function runLocked(db: Database, options: MigrateOptions): Promise<MigrationReport> {
  const release = await lockMigrations(db, { waitSeconds: options.lockWaitSeconds ?? 120, log: options.log });
  try {
    const report: MigrationReport = { applied: [], movedReceipts: [] };
    for (const m of await pendingMigrations(db)) {
      await (db.dialect === "sqlite" ? applyInTransaction(db, m) : applyStatementByStatement(db, m));
      report.applied.push(m.name);
      if (m.name === RECEIPT_DUPLICATES) report.movedReceipts = await movedReceipts(db);
      options.log?.(describeApplied(m, report));
    }
    return report;
  } finally {
    await release();
  }
}

function describeApplied(m: Migration, report: MigrationReport): string {
  if (m.name !== RECEIPT_DUPLICATES || report.movedReceipts.length === 0) return `applied ${m.name}`;
  const rows = report.movedReceipts.map((r) => `transaction ${r.id} (${r.receipt}, kept by transaction ${r.keptById})`);
  return `applied ${m.name}: ${rows.length} row(s) shared a receipt with an earlier row; their receipt is now in ` +
    `duplicate_receipt_number (mpesa_receipt_number NULL): ${rows.join(", ")}`;
}

async function movedReceipts(db: Database): Promise<MovedReceipt[]> {
  const rows = await db.sequelize.query<Record<string, unknown>>(
    "SELECT id, duplicate_receipt_number, duplicate_of_id FROM transactions WHERE duplicate_receipt_number IS NOT NULL ORDER BY id",
    { type: QueryTypes.SELECT },
  ).catch((e: unknown) => { throw ledgerRefused("list the receipts it set aside", e); });
  return rows.map((r) => ({ id: Number(r.id), receipt: String(r.duplicate_receipt_number), keptById: Number(r.duplicate_of_id) }));
}

// SQLite runs DDL in a transaction: a file is applied whole or not at all.
async function applyInTransaction(db: Database, m: Migration): Promise<void> {
  const statements = splitStatements(m.sql);
  let index = 0;
  try {
    await db.sequelize.transaction(async (transaction) => {
      for (; index < statements.length; index++) await db.sequelize.query(statements[index] as string, { transaction });
      await recordProgress(db, m, statements.length, true, transaction);
    });
  } catch (e) {
    if (e instanceof AppError) throw e; // the ledger's refusal, already worded
    throw index < statements.length
      ? statementRefused({ migration: m, index, statements, dialect: db.dialect }, e)
      : ledgerRefused(`commit ${m.name} (none of it was applied)`, e);
  }
}

// MySQL commits each DDL statement by itself: record progress after each, so a rerun resumes where it stopped.
async function applyStatementByStatement(db: Database, m: Migration): Promise<void> {
  const statements = splitStatements(m.sql);
  const done = Number((await readLedger(db)).get(m.version)?.statements_done ?? 0);
  for (let i = done; i < statements.length; i++) {
    await db.sequelize.query(statements[i] as string)
      .catch((e: unknown) => { throw statementRefused({ migration: m, index: i, statements, dialect: db.dialect }, e); });
    await recordProgress(db, m, i + 1, i + 1 === statements.length);
  }
  if (statements.length === done) await recordProgress(db, m, done, true);
}

async function recordProgress(db: Database, m: Migration, statementsDone: number, completed: boolean, transaction?: Transaction): Promise<void> {
  const checksum = createHash("sha256").update(m.sql).digest("hex");
  const replacements = [m.version, m.name, checksum, statementsDone, completed ? 1 : 0, new Date().toISOString()];
  const upsert = db.dialect === "mysql"
    ? "INSERT INTO schema_migrations VALUES (?,?,?,?,?,?) ON DUPLICATE KEY UPDATE statements_done = VALUES(statements_done), completed = VALUES(completed), applied_at = VALUES(applied_at)"
    : "INSERT INTO schema_migrations VALUES (?,?,?,?,?,?) ON CONFLICT (version) DO UPDATE SET statements_done = excluded.statements_done, completed = excluded.completed, applied_at = excluded.applied_at";
  await db.sequelize.query(upsert, { replacements, transaction })
    .catch((e: unknown) => { throw ledgerRefused(`record the progress of ${m.name} in schema_migrations`, e); });
}
