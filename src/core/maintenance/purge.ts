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
    const step = o.dryRun
      ? await runBatch(o.db, null, spec, { after, cutoff, batch, write: false })
      : await o.db.sequelize.transaction(txOptionsFor(o.db), (t) => runBatch(o.db, t, spec, { after, cutoff, batch, write: true }));
    changed += step.changed;
    if (step.last === null) return changed;
    after = step.last;
    await Bun.sleep(o.pauseMs ?? 5); // let the callbacks' transactions in between ours
  }
}

interface Step {
  changed: number;
  last: number | null; // the last id read; null: the table is done
}

/** One batch: the next old rows that may hold personal data (locked on MySQL when writing), masked, written back. */
async function runBatch(db: Database, t: Transaction | null, spec: PurgeTable, b: { after: number; cutoff: string; batch: number; write: boolean }): Promise<Step> {
  const cols = spec.columns.map((c) => c.name);
  const lock = b.write && db.dialect === "mysql" ? " FOR UPDATE" : "";
  const sql = `SELECT id, ${cols.join(", ")} FROM ${spec.table} WHERE id > ? AND ${spec.time} < ? AND ${spec.pending} ORDER BY id LIMIT ${b.batch}${lock}`;
  const read = t === null
    ? await db.sequelize.query<Record<string, unknown>>(sql, { replacements: [b.after, b.cutoff], type: QueryTypes.SELECT })
    : await runSql<Record<string, unknown>>(db.dialect, t, sql, [b.after, b.cutoff]);
  const updates = read.flatMap((row) => {
    const next = spec.columns.map((c) => (row[c.name] === null || row[c.name] === undefined ? null : c.purge(stringOf(row[c.name]))));
    const differs = spec.columns.some((c, i) => next[i] !== (row[c.name] === null || row[c.name] === undefined ? null : stringOf(row[c.name])));
    return differs ? [{ id: Number(row.id), values: next }] : [];
  });
  if (b.write && t !== null && updates.length > 0) {
    const { sql: update, values } = updateSql(spec, updates);
    await runSql(db.dialect, t, update, values);
  }
  const lastRow = read[read.length - 1];
  return { changed: updates.length, last: read.length < b.batch || lastRow === undefined ? null : Number(lastRow.id) };
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
