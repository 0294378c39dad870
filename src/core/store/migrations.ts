// Applies the versioned schema files in sql/ (embedded in the binary), recording each one, resumably.
import { createHash } from "node:crypto";
import { QueryTypes, type Transaction } from "sequelize";
import type { Database, Dialect } from "./database.ts";
import mysql001 from "../../../sql/mysql/001_legacy_tables.sql" with { type: "text" };
import mysql002 from "../../../sql/mysql/002_callback_integrity.sql" with { type: "text" };
import mysql003 from "../../../sql/mysql/003_outbox.sql" with { type: "text" };
import mysql004 from "../../../sql/mysql/004_request_ids.sql" with { type: "text" };
import sqlite001 from "../../../sql/sqlite/001_initial.sql" with { type: "text" };
import sqlite002 from "../../../sql/sqlite/002_outbox.sql" with { type: "text" };
import sqlite003 from "../../../sql/sqlite/003_request_ids.sql" with { type: "text" };
import mysql005 from "../../../sql/mysql/005_verdicts.sql" with { type: "text" };
import sqlite004 from "../../../sql/sqlite/004_verdicts.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Record<Dialect, readonly Migration[]> = {
  mysql: [
    { version: 1, name: "001_legacy_tables", sql: mysql001 },
    { version: 2, name: "002_callback_integrity", sql: mysql002 },
    { version: 3, name: "003_outbox", sql: mysql003 },
    { version: 4, name: "004_request_ids", sql: mysql004 },
    { version: 5, name: "005_verdicts", sql: mysql005 },
  ],
  sqlite: [
    { version: 1, name: "001_initial", sql: sqlite001 },
    { version: 2, name: "002_outbox", sql: sqlite002 },
    { version: 3, name: "003_request_ids", sql: sqlite003 },
    { version: 4, name: "004_verdicts", sql: sqlite004 },
  ],
};

interface AppliedRow {
  version: number;
  statements_done: number;
  completed: number | string;
}

/** Statements of one file: split at a semicolon that ends a line; comment lines dropped. */
export function splitStatements(sql: string): string[] {
  const code = sql.split("\n").filter((line) => !line.trim().startsWith("--")).join("\n");
  return code.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter((s) => s !== "");
}

async function ensureLedger(db: Database): Promise<void> {
  await db.sequelize.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, checksum CHAR(64) NOT NULL,
       statements_done INTEGER NOT NULL DEFAULT 0, completed SMALLINT NOT NULL DEFAULT 0, applied_at VARCHAR(30) NULL)`,
  );
}

async function readLedger(db: Database): Promise<Map<number, AppliedRow>> {
  const rows = await db.sequelize.query<AppliedRow>("SELECT version, statements_done, completed FROM schema_migrations", { type: QueryTypes.SELECT });
  return new Map(rows.map((r) => [Number(r.version), r]));
}

/** Migrations not yet completed on this database (without changing anything but the ledger table). */
export async function pendingMigrations(db: Database): Promise<Migration[]> {
  await ensureLedger(db);
  const ledger = await readLedger(db);
  return MIGRATIONS[db.dialect].filter((m) => Number(ledger.get(m.version)?.completed ?? 0) !== 1);
}

/** Applies what is pending; returns the names applied. Safe to run twice, and to resume after a failure. */
export async function migrate(db: Database): Promise<string[]> {
  const release = await lockMigrations(db);
  try {
    const applied: string[] = [];
    for (const m of await pendingMigrations(db)) {
      await (db.dialect === "sqlite" ? applyInTransaction(db, m) : applyStatementByStatement(db, m));
      applied.push(m.name);
    }
    return applied;
  } finally {
    await release();
  }
}

// SQLite runs DDL in a transaction: a file is applied whole or not at all.
async function applyInTransaction(db: Database, m: Migration): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    for (const statement of splitStatements(m.sql)) await db.sequelize.query(statement, { transaction });
    await recordProgress(db, m, splitStatements(m.sql).length, true, transaction);
  });
}

// MySQL commits each DDL statement by itself: record progress after each, so a rerun resumes where it stopped.
async function applyStatementByStatement(db: Database, m: Migration): Promise<void> {
  const statements = splitStatements(m.sql);
  const done = Number((await readLedger(db)).get(m.version)?.statements_done ?? 0);
  for (let i = done; i < statements.length; i++) {
    await db.sequelize.query(statements[i] as string);
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
  await db.sequelize.query(upsert, { replacements, transaction });
}

// Two `migrate` runs at once (two hosts deploying) must not interleave on MySQL.
async function lockMigrations(db: Database): Promise<() => Promise<void>> {
  if (db.dialect !== "mysql") return async () => {};
  const t = await db.sequelize.transaction(); // pins one connection for GET_LOCK and RELEASE_LOCK
  await db.sequelize.query("SELECT GET_LOCK('mpesa_cb_migrate', 60)", { transaction: t });
  return async () => {
    await db.sequelize.query("SELECT RELEASE_LOCK('mpesa_cb_migrate')", { transaction: t });
    await t.commit();
  };
}
