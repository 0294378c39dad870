// The versioned schema files in sql/ (embedded in the binary), in the order `migrate` applies them.
import type { Dialect } from "./database.ts";
import mysql001 from "../../../sql/mysql/001_legacy_tables.sql" with { type: "text" };
import mysql002 from "../../../sql/mysql/002_callback_integrity.sql" with { type: "text" };
import mysql003 from "../../../sql/mysql/003_outbox.sql" with { type: "text" };
import mysql004 from "../../../sql/mysql/004_request_ids.sql" with { type: "text" };
import mysql005 from "../../../sql/mysql/005_verdicts.sql" with { type: "text" };
import mysql006 from "../../../sql/mysql/006_receipt_duplicates.sql" with { type: "text" };
import mysql007 from "../../../sql/mysql/007_transaction_date_utc.sql" with { type: "text" };
import mysql008 from "../../../sql/mysql/008_c2b.sql" with { type: "text" };
import mysql009 from "../../../sql/mysql/009_quarantine_review.sql" with { type: "text" };
import mysql010 from "../../../sql/mysql/010_results.sql" with { type: "text" };
import mysql011 from "../../../sql/mysql/011_reconcile_indexes.sql" with { type: "text" };
import sqlite001 from "../../../sql/sqlite/001_initial.sql" with { type: "text" };
import sqlite002 from "../../../sql/sqlite/002_outbox.sql" with { type: "text" };
import sqlite003 from "../../../sql/sqlite/003_request_ids.sql" with { type: "text" };
import sqlite004 from "../../../sql/sqlite/004_verdicts.sql" with { type: "text" };
import sqlite005 from "../../../sql/sqlite/005_receipt_duplicates.sql" with { type: "text" };
import sqlite006 from "../../../sql/sqlite/006_transaction_date_utc.sql" with { type: "text" };
import sqlite007 from "../../../sql/sqlite/007_c2b.sql" with { type: "text" };
import sqlite008 from "../../../sql/sqlite/008_quarantine_review.sql" with { type: "text" };
import sqlite009 from "../../../sql/sqlite/009_results.sql" with { type: "text" };
import sqlite010 from "../../../sql/sqlite/010_reconcile_indexes.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// The array's order is the order of application, not the version's: a file already applied somewhere never
// changes its statements (a half-applied one resumes by statement count), so a step that must come before an
// older file's statement is a new file placed before it. 006 sets shared receipts aside before 002's unique key.
export const MIGRATIONS: Record<Dialect, readonly Migration[]> = {
  mysql: [
    { version: 1, name: "001_legacy_tables", sql: mysql001 },
    { version: 6, name: "006_receipt_duplicates", sql: mysql006 },
    { version: 2, name: "002_callback_integrity", sql: mysql002 },
    { version: 3, name: "003_outbox", sql: mysql003 },
    { version: 4, name: "004_request_ids", sql: mysql004 },
    { version: 5, name: "005_verdicts", sql: mysql005 },
    { version: 7, name: "007_transaction_date_utc", sql: mysql007 },
    { version: 8, name: "008_c2b", sql: mysql008 },
    { version: 9, name: "009_quarantine_review", sql: mysql009 },
    { version: 10, name: "010_results", sql: mysql010 },
    { version: 11, name: "011_reconcile_indexes", sql: mysql011 },
  ],
  sqlite: [
    { version: 1, name: "001_initial", sql: sqlite001 },
    { version: 2, name: "002_outbox", sql: sqlite002 },
    { version: 3, name: "003_request_ids", sql: sqlite003 },
    { version: 4, name: "004_verdicts", sql: sqlite004 },
    { version: 5, name: "005_receipt_duplicates", sql: sqlite005 },
    { version: 6, name: "006_transaction_date_utc", sql: sqlite006 },
    { version: 7, name: "007_c2b", sql: sqlite007 },
    { version: 8, name: "008_quarantine_review", sql: sqlite008 },
    { version: 9, name: "009_results", sql: sqlite009 },
    { version: 10, name: "010_reconcile_indexes", sql: sqlite010 },
  ],
};

/** Statements of one file: split at a semicolon that ends a line; comment lines dropped. */
export function splitStatements(sql: string): string[] {
  const code = sql.split("\n").filter((line) => !line.trim().startsWith("--")).join("\n");
  return code.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter((s) => s !== "");
}
