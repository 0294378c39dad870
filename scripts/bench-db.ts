// A fresh database for each benchmark cell (MariaDB or SQLite), migrated by `mpesa-cb migrate`, seeded in bulk with
// the production data every callback meets (its payer in `users`, its `payment_requests` row), and counted afterwards.
import { Database as Sqlite } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mysql from "mysql2/promise";

export type BenchDialect = "mysql" | "sqlite";
const MAIN = resolve(import.meta.dir, "../src/cli/main.ts");

/** What a cell stored, counted after its load: to compare with what wrk was told. */
export interface Stored {
  logs: number; // callback_logs rows: every acknowledged callback, duplicates too
  spanSeconds: number; // first to last received_at among them
  payments: number; // transactions (STK) or c2b_payments (C2B) rows
  unsolicited: number; // successes with no payment request: the seeding ran out
  outbox: number; // notifications rows queued
}

export interface Seed {
  run: string; // the id prefix the lua script uses (BENCH_RUN)
  payments: number; // payment requests numbered 1..payments (0: none, for C2B)
  users: number;
}

export interface CellDatabase {
  url: string;
  dataDir: string; // serve's --data-dir (its spool)
  seed(s: Seed): Promise<void>;
  count(table: "transactions" | "c2b_payments"): Promise<Stored>;
  drop(): Promise<void>;
}

export async function createCellDatabase(dialect: BenchDialect, mysqlUrl: string, name: string): Promise<CellDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-bench-"));
  const db = dialect === "sqlite" ? sqliteCell(dataDir) : await mysqlCell(mysqlUrl, name, dataDir);
  migrate(db.url);
  return db;
}

function migrate(url: string): void {
  const r = Bun.spawnSync([process.execPath, MAIN, "migrate", "--db", url], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`mpesa-cb migrate --db ${url} failed (exit ${r.exitCode}):\n${r.stderr.toString()}`);
}

/** SQL both dialects share, for `payment_requests` and `users`; `numbers` is a table with column n. */
function seedSql(s: Seed, phone: (expr: string) => string, cat: (...p: string[]) => string): { users: string; requests: string } {
  return {
    users: `INSERT INTO users (id, telegram_chat_id, phone_number, first_name, is_active)
      SELECT n, 900000000 + n, ${phone("n")}, 'Bench', 1 FROM numbers`,
    requests: `INSERT INTO payment_requests (user_id, checkout_request_id, merchant_request_id, phone_number, amount, account_reference, transaction_desc, status)
      SELECT 1 + n % ${s.users}, ${cat("'ws_CO_'", `'${s.run}'`, "'_'", "n")}, ${cat("'bench-'", "n")}, ${phone(`1 + n % ${s.users}`)}, 1500.00, 'BENCH', 'bench', 'Pending' FROM numbers`,
  };
}

function countSql(table: string): string[] {
  return [
    "SELECT COUNT(*) AS n, MIN(received_at) AS first_at, MAX(received_at) AS last_at FROM callback_logs",
    `SELECT COUNT(*) AS n FROM ${table}`,
    table === "transactions" ? "SELECT COUNT(*) AS n FROM transactions WHERE verdict = 'unsolicited'" : "SELECT 0 AS n",
    "SELECT COUNT(*) AS n FROM notifications",
  ];
}

function toStored(rows: Record<string, unknown>[]): Stored {
  const [logs, payments, unsolicited, outbox] = rows;
  const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(`${String(v).replace(" ", "T")}Z`));
  const span = logs?.first_at == null ? 0 : (ms(logs.last_at) - ms(logs.first_at)) / 1000;
  return { logs: Number(logs?.n), spanSeconds: span, payments: Number(payments?.n), unsolicited: Number(unsolicited?.n), outbox: Number(outbox?.n) };
}

function sqliteCell(dataDir: string): CellDatabase {
  const path = join(dataDir, "bench.sqlite");
  const open = () => {
    const db = new Sqlite(path);
    db.exec("PRAGMA busy_timeout = 10000");
    return db;
  };
  return {
    url: `sqlite:${path}`,
    dataDir,
    async seed(s) {
      const db = open();
      const sql = seedSql(s, (e) => `CAST(254710000000 + ${e} AS TEXT)`, (...p) => p.join(" || "));
      const numbers = (count: number) => `WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < ${count}) `;
      db.exec(numbers(s.users) + sql.users);
      if (s.payments > 0) db.exec(numbers(s.payments) + sql.requests);
      db.close();
    },
    async count(table) {
      const db = open();
      const rows = countSql(table).map((q) => db.query(q).get() as Record<string, unknown>);
      db.close();
      return toStored(rows);
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function mysqlCell(baseUrl: string, name: string, dataDir: string): Promise<CellDatabase> {
  const admin = await mysql.createConnection({ uri: baseUrl });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`USE ${name}`);
  return {
    url: baseUrl.replace(/\/[^/?]*(\?.*)?$/, `/${name}`),
    dataDir,
    async seed(s) {
      // MariaDB's sequence engine: seq_1_to_N is a table of 1..N, so each fill is one statement.
      const sql = seedSql(s, (e) => `CAST(254710000000 + ${e} AS CHAR)`, (...p) => `CONCAT(${p.join(", ")})`);
      await admin.query("SET SESSION foreign_key_checks = 0, unique_checks = 0"); // generated rows: both hold by construction
      await admin.query(sql.users.replace("FROM numbers", `FROM (SELECT seq AS n FROM seq_1_to_${s.users}) numbers`));
      if (s.payments > 0) await admin.query(sql.requests.replace("FROM numbers", `FROM (SELECT seq AS n FROM seq_1_to_${s.payments}) numbers`));
    },
    async count(table) {
      const rows: Record<string, unknown>[] = [];
      for (const q of countSql(table)) rows.push(((await admin.query(q))[0] as Record<string, unknown>[])[0] ?? {});
      return toStored(rows);
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
