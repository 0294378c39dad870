// The benchmark of the production configuration (issue 14), run by `npm run bench` (scripts/bench.sh installs wrk):
// every callback has its payment_requests row and its payer in users, Telegram is on against a local fake Bot API,
// each cell runs on a fresh database; the same run measures the ceilings (bench-ceilings.ts); it ends with a Markdown table.
// Usage: bun scripts/bench.ts [--quick] [--db mysql,sqlite] [--workloads stk,stk-mixed,c2b] [--modes keep-alive,close]
//        [--connections 16,64,256] [--seconds 10] [--rss-seconds 60] [--mysql-url URL] [--max-rate 30000] [--users 10000]
import { ceilingKeys, estimateSeconds, parsePlan, WORKLOAD_NAMES, type Plan } from "./bench-plan.ts";
import { runCell, type CellResult } from "./bench-cell.ts";
import { ingestCeiling, insertCeiling, trivialCeiling, type IngestCeiling } from "./bench-ceilings.ts";
import type { BenchDialect } from "./bench-db.ts";
import { formatNotes, formatTable, type Ceilings } from "./bench-table.ts";
import { mariadbPid } from "./bench-proc.ts";
import { FakeTelegram } from "../test/support/fake-telegram.ts";
import mysql from "mysql2/promise";

const log = (line: string) => console.error(line); // progress on stderr, the results on stdout

async function measureCeilings(plan: Plan, runId: string, pid: number | null, telegram: FakeTelegram): Promise<Ceilings> {
  const trivial = new Map<string, number>();
  for (const k of ceilingKeys(plan)) {
    log(`ceiling: trivial Bun.serve, ${k.connections} connections, ${k.close ? "new connection per request" : "keep-alive"}`);
    trivial.set(`${k.connections}/${k.close}`, await trivialCeiling({ ...k, seconds: plan.ceilingSeconds }));
  }
  const withoutHttp = new Map<BenchDialect, IngestCeiling>();
  for (const db of new Set(plan.cells.map((c) => c.db))) {
    log(`ceiling: serve without HTTP, ${db === "mysql" ? "MariaDB" : "SQLite"}, STK successes, 64 loops`);
    withoutHttp.set(db, await ingestCeiling({
      db, mysqlUrl: plan.mysqlUrl, name: `mpesa_cb_bench_${runId}_ingest`, seconds: plan.ceilingSeconds, connections: 64,
      maxRate: plan.maxRate, users: plan.users, telegram, mariadbPid: db === "mysql" ? pid : null,
    }));
  }
  if (!plan.cells.some((c) => c.db === "mysql")) return { trivial, inserts: null, withoutHttp };
  log("ceiling: MariaDB single-row autocommit INSERTs, 64 connections");
  const inserts = await insertCeiling({ baseUrl: plan.mysqlUrl, name: `mpesa_cb_bench_${runId}_ceiling`, seconds: plan.ceilingSeconds, connections: 64, mariadbPid: pid });
  return { trivial, inserts, withoutHttp };
}

/** Fails early, and says what to do, when the MariaDB the plan needs does not answer. */
async function checkMysql(url: string): Promise<void> {
  try {
    await (await mysql.createConnection({ uri: url, connectTimeout: 5000 })).end();
  } catch (e) {
    throw new Error(`MariaDB at ${url} cannot be reached (${e instanceof Error ? e.message : String(e)}): start it, pass --mysql-url, or run only SQLite with --db sqlite`);
  }
}

async function main(argv: string[]): Promise<number> {
  const plan = parsePlan(argv);
  if (plan.cells.some((c) => c.db === "mysql")) await checkMysql(plan.mysqlUrl);
  const runId = Date.now().toString(36);
  const port = Number(new URL(plan.mysqlUrl).port || 3306);
  const pid = plan.cells.some((c) => c.db === "mysql") ? mariadbPid(port) : null;
  const estimate = estimateSeconds(plan);
  console.log(`mpesa-cb bench: ${plan.cells.length} cells, about ${Math.ceil(estimate / 60)} min (${estimate} s) on this machine`);
  if (plan.cells.some((c) => c.db === "mysql") && pid === null) log(`warning: no mariadbd found listening on port ${port}: MariaDB CPU is not reported`);
  const started = performance.now();
  const telegram = FakeTelegram.start("123456:bench");
  try {
    const ceilings = await measureCeilings(plan, runId, pid, telegram);
    const results: CellResult[] = [];
    const broken: string[] = []; // cells that could not run: the others still make the table
    for (const [index, cell] of plan.cells.entries()) {
      const name = `${cell.db}, ${WORKLOAD_NAMES[cell.workload]}, ${cell.close ? "new connection per request" : "keep-alive"}, ${cell.connections} connections, ${cell.seconds} s`;
      log(`cell ${index + 1}/${plan.cells.length}: ${name}`);
      try {
        results.push(await runCell(cell, { plan, runId, index, telegram, mariadbPid: pid }));
      } catch (e) {
        broken.push(`NOT RUN ${name}: ${e instanceof Error ? e.message : String(e)}`);
        log(broken.at(-1) as string);
      }
    }
    console.log(`\n${formatTable(results, ceilings)}\n\n${[formatNotes(results, ceilings), ...broken].filter((x) => x !== "").join("\n")}`);
    console.log(`took ${Math.round((performance.now() - started) / 1000)} s`);
    return broken.length > 0 || results.some((r) => r.problems.length > 0) ? 1 : 0;
  } finally {
    await telegram.stop();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
