// Retention (Kenya's Data Protection Act 2019): rows older than the limit lose their raw bodies and sent message
// texts, and their phone numbers and names are masked (purge-tables.ts). Batched: short transactions of a few hundred
// old rows, locked only while they change, with a pause between, so callbacks (new rows) never wait on it. Idempotent.
import { QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../store/database.ts";
import { inList, runSql } from "../store/raw-sql.ts";
import { txOptionsFor } from "../store/batch-runner.ts";
import { sqlTime } from "../store/callback-log-sql.ts";
import { utcNowSql } from "../store/db-clock.ts";
import { AppError } from "../errors.ts";
import { PURGE_TABLES, type PurgeTable } from "./purge-tables.ts";
import { utcDate } from "./replay-rows.ts";

/** Less than this would reach data the running service still uses (notifications being retried, confirmations). */
export const MIN_RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

export interface PurgeOptions {
  db: Database;
  olderThanDays: number;
  dryRun?: boolean; // count what would change; write nothing
  batchSize?: number; // rows per transaction (default 500)
  pauseMs?: number; // between transactions (default 5)
}

export interface PurgeReport {
  cutoff: string; // ISO UTC: rows before it were purged
  dryRun: boolean;
  tables: Record<string, { rows: number; what: string }>; // rows changed (or that would be)
  total: number;
}

export async function purgePersonalData(o: PurgeOptions): Promise<PurgeReport> {
  if (!Number.isInteger(o.olderThanDays) || o.olderThanDays < MIN_RETENTION_DAYS) {
    throw new AppError("usage", `a retention of ${o.olderThanDays} day(s) is shorter than the ${MIN_RETENTION_DAYS} days the service may still need its data for`, {
      hint: `keep at least ${MIN_RETENTION_DAYS} days (e.g. --older-than 400d, MPESA_CB_RETENTION_DAYS=400)`,
    });
  }
  const cutoff = new Date((await databaseNow(o.db)).getTime() - o.olderThanDays * DAY_MS);
  const report: PurgeReport = { cutoff: cutoff.toISOString(), dryRun: o.dryRun === true, tables: {}, total: 0 };
  for (const spec of PURGE_TABLES) {
    const rows = await purgeTable(o, spec, sqlTime(cutoff));
    report.tables[spec.table] = { rows, what: spec.what };
    report.total += rows;
  }
  return report;
}

async function purgeTable(o: PurgeOptions, spec: PurgeTable, cutoff: string): Promise<number> {
  const batch = o.batchSize ?? 500;
  let after = 0;
  let changed = 0;
  for (;;) {
    // Found without locks (a plain read: callbacks' rows are never waited on), then locked by id and changed.
    const found = await readRows(o.db, null, spec, `id > ? AND ${spec.time} < ? AND ${spec.pending} ORDER BY id LIMIT ${batch}`, [after, cutoff]);
    const ids = found.map((r) => Number(r.id));
    if (ids.length > 0) {
      changed += o.dryRun
        ? changesOf(spec, found).length
        : await o.db.sequelize.transaction(txOptionsFor(o.db), (t) => rewrite(o.db, t, spec, ids, cutoff));
    }
    if (ids.length < batch) return changed;
    after = ids[ids.length - 1] as number;
    await Bun.sleep(o.pauseMs ?? 5); // let the callbacks' transactions in between ours
  }
}

/** Rereads the batch's rows locked (they may have changed since), masks them, and writes the ones that change. */
async function rewrite(db: Database, t: Transaction, spec: PurgeTable, ids: number[], cutoff: string): Promise<number> {
  // By primary key only: on a small table the optimizer would rather scan, and a locking scan waits on every row a
  // callback holds (semi-consistent reads are for UPDATE only).
  const mysql = db.dialect === "mysql";
  const rows = await readRows(db, t, spec, `id IN (${inList(ids.length)}) AND ${spec.time} < ? AND ${spec.pending}${mysql ? " FOR UPDATE" : ""}`, [...ids, cutoff], mysql ? " FORCE INDEX (PRIMARY)" : "");
  const updates = changesOf(spec, rows);
  if (updates.length > 0) {
    const { sql, values } = updateSql(spec, updates);
    await runSql(db.dialect, t, sql, values);
  }
  return updates.length;
}

function readRows(db: Database, t: Transaction | null, spec: PurgeTable, where: string, values: unknown[], hint = ""): Promise<Record<string, unknown>[]> {
  const sql = `SELECT id, ${spec.columns.map((c) => c.name).join(", ")} FROM ${spec.table}${hint} WHERE ${where}`;
  return t === null
    ? db.sequelize.query<Record<string, unknown>>(sql, { replacements: values, type: QueryTypes.SELECT })
    : runSql<Record<string, unknown>>(db.dialect, t, sql, values);
}

/** The rows whose values the masks change, with their new values (in the order of spec.columns). */
function changesOf(spec: PurgeTable, rows: Record<string, unknown>[]): { id: number; values: (string | null)[] }[] {
  const text = (v: unknown) => (v === null || v === undefined ? null : stringOf(v));
  return rows.flatMap((row) => {
    const next = spec.columns.map((c) => {
      const now = text(row[c.name]);
      return now === null ? null : c.purge(now);
    });
    return spec.columns.some((c, i) => next[i] !== text(row[c.name])) ? [{ id: Number(row.id), values: next }] : [];
  });
}

/** One statement for the batch: each column set per row by id (`CASE id WHEN ? THEN ?`). */
function updateSql(spec: PurgeTable, rows: { id: number; values: (string | null)[] }[]): { sql: string; values: unknown[] } {
  const whens = rows.map(() => "WHEN ? THEN ?").join(" ");
  const sets = spec.columns.map((c) => `${c.name} = CASE id ${whens} ELSE ${c.name} END`);
  const keep = (spec.keep ?? []).map((c) => `${c} = ${c}`);
  const values = [...spec.columns.flatMap((_c, i) => rows.flatMap((r) => [r.id, r.values[i] ?? null])), ...rows.map((r) => r.id)];
  return { sql: `UPDATE ${spec.table} SET ${[...sets, ...keep].join(", ")} WHERE id IN (${inList(rows.length)})`, values };
}

function stringOf(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
}

async function databaseNow(db: Database): Promise<Date> {
  const [row] = await db.sequelize.query<{ now: unknown }>(`SELECT ${utcNowSql(db.dialect)} AS now`, { type: QueryTypes.SELECT });
  return utcDate(row?.now);
}
