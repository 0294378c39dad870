// scripts/bench.sh → scripts/bench.ts, the benchmark `npm run bench` runs, in its quickest form (one 2 s cell on
// SQLite): it prints the Markdown table with numbers, and what wrk saw acknowledged was stored. No speed is asserted.
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { parsePlan, estimateSeconds } from "../../scripts/bench-plan.ts";
import { parseWrk } from "../../scripts/bench-wrk.ts";

const root = resolve(import.meta.dir, "../..");

async function bench(args: string[]) {
  const r = Bun.spawn(["bash", "scripts/bench.sh", ...args], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [code, stdout, stderr] = await Promise.all([r.exited, new Response(r.stdout).text(), new Response(r.stderr).text()]);
  return { code, stdout, stderr };
}

/** The table's rows as cells by column name. */
function tableRows(stdout: string): Record<string, string>[] {
  const lines = stdout.split("\n").filter((l) => l.startsWith("|"));
  const header = (lines[0] ?? "").split("|").slice(1, -1).map((c) => c.trim());
  return lines.slice(2).map((l) => Object.fromEntries(l.split("|").slice(1, -1).map((c, i) => [header[i], c.trim()])));
}

describe("npm run bench", () => {
  test("one quick SQLite cell with duplicates and failures: a table of numbers, acked = logged and new = stored", async () => {
    const r = await bench(["--db", "sqlite", "--workloads", "stk-mixed", "--modes", "keep-alive", "--connections", "16", "--seconds", "2", "--rss-seconds", "0"]);
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr, stdout: r.code === 0 ? "" : r.stdout }).toEqual({ code: 0, stderr: "", stdout: "" });
    const rows = tableRows(r.stdout);
    expect(rows.length).toBe(1);
    const row = rows[0] ?? {};
    expect([row.database, row.workload, row.connection, row.conns, row.checks]).toEqual(["SQLite", "STK, 10 % dup, 5 % fail", "keep-alive", "16", "ok"]);
    for (const column of ["callbacks/s", "p50 ms", "p99 ms", "server µs/cb", "cb/batch", "batch ms", "Telegram sent", "÷ Bun.serve", "÷ no HTTP"]) expect(row[column] ?? "").toMatch(/^[\d,]+(\.\d+)?$/);
    for (const column of ["acked = logged", "new = stored"]) {
      const [acked, stored] = (row[column] ?? "").split(" = ");
      expect(Number(acked?.replaceAll(",", ""))).toBeGreaterThan(0);
      expect(acked).toBe(stored as string);
    }
    expect(r.stdout).toMatch(/Ceiling: trivial Bun\.serve JSON endpoint, 16 connections, keep-alive: [\d,]+ requests\/s/);
    // Serve without HTTP stored callbacks (a failed or empty run fails the command instead).
    expect(r.stdout).toMatch(/Ceiling: serve without HTTP \(STK successes handed to its ingest by 64 loops\), SQLite: [1-9][\d,]* stored\/s, serve [\d,]+ µs CPU per callback/);
  }, 90_000);

  test("a bad option is refused with what is allowed", async () => {
    const r = await bench(["--db", "postgres"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--db postgres: mysql or sqlite");
  });
});

describe("bench plan", () => {
  test("the full run: 3 workloads × 2 connection modes × 2 databases × 3 connection counts, then the 60 s RSS run on MariaDB", () => {
    const plan = parsePlan([]);
    expect(plan.cells.length).toBe(37);
    expect(plan.cells.at(-1)).toEqual({ db: "mysql", workload: "stk", close: false, connections: 64, seconds: 60, rss: true });
    expect(estimateSeconds(plan)).toBeGreaterThan(37 * 10);
  });

  test("--quick: 5 s cells at 64 connections and a 20 s RSS run", () => {
    const plan = parsePlan(["--quick"]);
    expect(plan.cells.length).toBe(13);
    expect(plan.cells.every((c) => c.connections === 64 && c.seconds === (c.rss ? 20 : 5))).toBe(true);
  });

  test("wrk's summary line is read; a missing one is an error naming the lua script", () => {
    const line = "BENCH new=10 dup=2 other=0 non2xx=1 generated=10 requests=15 p50_us=1500 p99_us=9000 connect=0 read=3 write=0 timeout=0\nRequests/sec: 123.5";
    expect(parseWrk(line)).toMatchObject({ new: 10, dup: 2, non2xx: 1, requests: 15, p50ms: 1.5, p99ms: 9, requestsPerSec: 123.5, errors: { read: 3 } });
    expect(() => parseWrk("Running 2s test")).toThrow("bench-callbacks.lua");
  });
});
