// The benchmark of the production configuration (issue 14), run by `npm run bench` (scripts/bench.sh installs wrk):
// every callback has its payment_requests row and its payer in users, Telegram is on against a local fake Bot API,
// each cell runs on a fresh database; the same run measures the two ceilings; it ends with a Markdown table.
// Usage: bun scripts/bench.ts [--quick] [--db mysql,sqlite] [--workloads stk,stk-mixed,c2b] [--modes keep-alive,close]
//        [--connections 16,64,256] [--seconds 10] [--rss-seconds 60] [--mysql-url URL] [--max-rate 30000] [--users 10000]
import { ceilingKeys, estimateSeconds, parsePlan, WORKLOAD_NAMES, type Plan } from "./bench-plan.ts";
import { runCell, type CellResult } from "./bench-cell.ts";
import { insertCeiling, trivialCeiling } from "./bench-ceilings.ts";
import { formatNotes, formatTable, type Ceilings } from "./bench-table.ts";
import { mariadbPid } from "./bench-proc.ts";
import { FakeTelegram } from "../test/support/fake-telegram.ts";

const log = (line: string) => console.error(line); // progress on stderr, the results on stdout

async function measureCeilings(plan: Plan, runId: string, pid: number | null): Promise<Ceilings> {
  const trivial = new Map<string, number>();
  for (const k of ceilingKeys(plan)) {
    log(`ceiling: trivial Bun.serve, ${k.connections} connections, ${k.close ? "new connection per request" : "keep-alive"}`);
    trivial.set(`${k.connections}/${k.close}`, await trivialCeiling({ ...k, seconds: plan.ceilingSeconds }));
  }
  if (!plan.cells.some((c) => c.db === "mysql")) return { trivial, inserts: null };
  log("ceiling: MariaDB single-row autocommit INSERTs, 64 connections");
  const inserts = await insertCeiling({ baseUrl: plan.mysqlUrl, name: `mpesa_cb_bench_${runId}_ceiling`, seconds: plan.ceilingSeconds, connections: 64, mariadbPid: pid });
  return { trivial, inserts };
}

async function main(argv: string[]): Promise<number> {
  const plan = parsePlan(argv);
  const runId = Date.now().toString(36);
  const port = Number(new URL(plan.mysqlUrl).port || 3306);
  const pid = plan.cells.some((c) => c.db === "mysql") ? mariadbPid(port) : null;
  const estimate = estimateSeconds(plan);
  console.log(`mpesa-cb bench: ${plan.cells.length} cells, about ${Math.ceil(estimate / 60)} min (${estimate} s) on this machine`);
  if (plan.cells.some((c) => c.db === "mysql") && pid === null) log(`warning: no mariadbd found listening on port ${port}: MariaDB CPU is not reported`);
  const started = performance.now();
  const telegram = FakeTelegram.start("123456:bench");
  try {
    const ceilings = await measureCeilings(plan, runId, pid);
    const results: CellResult[] = [];
    for (const [index, cell] of plan.cells.entries()) {
      log(`cell ${index + 1}/${plan.cells.length}: ${cell.db}, ${WORKLOAD_NAMES[cell.workload]}, ${cell.close ? "new connection per request" : "keep-alive"}, ${cell.connections} connections, ${cell.seconds} s`);
      results.push(await runCell(cell, { plan, runId, index, telegram, mariadbPid: pid }));
    }
    console.log(`\n${formatTable(results, ceilings)}\n\n${formatNotes(results, ceilings)}`);
    console.log(`took ${Math.round((performance.now() - started) / 1000)} s`);
    return results.some((r) => r.problems.length > 0) ? 1 : 0;
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
