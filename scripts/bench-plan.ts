// The benchmark's options and the cells they select (database × workload × connection mode × connection count),
// with an estimate of how long the run takes. Pure.
import { parseArgs } from "node:util";
import type { BenchDialect } from "./bench-db.ts";

export type Workload = "stk" | "stk-mixed" | "c2b";
export const WORKLOAD_NAMES: Record<Workload, string> = { stk: "STK successes", "stk-mixed": "STK, 10 % dup, 5 % fail", c2b: "C2B confirmations" };

export interface Cell {
  db: BenchDialect;
  workload: Workload;
  close: boolean; // a new connection per request
  connections: number;
  seconds: number;
  rss: boolean; // the long run whose RSS is read half-way and at the end
}

export interface Plan {
  cells: Cell[];
  mysqlUrl: string;
  maxRate: number; // callbacks/s the seeding allows for (payment requests per cell = maxRate × seconds)
  users: number;
  ceilingSeconds: number;
}

const USAGE = `usage: npm run bench -- [--quick] [--db mysql,sqlite] [--workloads stk,stk-mixed,c2b] [--modes keep-alive,close]
  [--connections 16,64,256] [--seconds 10] [--rss-seconds 60] [--mysql-url mysql://root@127.0.0.1:3306/test]
  [--max-rate 30000] [--users 10000]`;

export function parsePlan(argv: string[]): Plan {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      db: { type: "string", default: "mysql,sqlite" },
      workloads: { type: "string", default: "stk,stk-mixed,c2b" },
      modes: { type: "string", default: "keep-alive,close" },
      connections: { type: "string" },
      seconds: { type: "string" },
      "rss-seconds": { type: "string" },
      "mysql-url": { type: "string", default: "mysql://root@127.0.0.1:3306/test" },
      "max-rate": { type: "string", default: "30000" },
      users: { type: "string", default: "10000" },
    },
  });
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const dbs = list(a.db) as BenchDialect[];
  const workloads = list(a.workloads) as Workload[];
  const modes = list(a.modes);
  const seconds = Number(a.seconds ?? (a.quick ? 5 : 10));
  const connections = list(a.connections ?? (a.quick ? "64" : "16,64,256")).map(Number);
  const rssSeconds = Number(a["rss-seconds"] ?? (a.quick ? 20 : 60));
  const bad = [
    ...dbs.filter((d) => d !== "mysql" && d !== "sqlite").map((d) => `--db ${d}: mysql or sqlite`),
    ...workloads.filter((w) => !(w in WORKLOAD_NAMES)).map((w) => `--workloads ${w}: stk, stk-mixed or c2b`),
    ...modes.filter((m) => m !== "keep-alive" && m !== "close").map((m) => `--modes ${m}: keep-alive or close`),
    ...(connections.some((c) => !(c >= 1)) ? ["--connections: positive numbers, comma-separated"] : []),
    ...(!(seconds >= 2) ? ["--seconds: at least 2 (the last second is a quiet tail)"] : []),
    ...(!(rssSeconds === 0 || rssSeconds >= 4) ? ["--rss-seconds: 0 (no RSS run) or at least 4"] : []),
  ];
  if (bad.length > 0) throw new Error(`${bad.join("\n")}\n${USAGE}`);
  const cells: Cell[] = [];
  for (const db of dbs) for (const workload of workloads) for (const mode of modes) for (const c of connections) {
    cells.push({ db, workload, close: mode === "close", connections: c, seconds, rss: false });
  }
  if (rssSeconds > 0) {
    const db = dbs.includes("mysql") ? "mysql" : (dbs[0] as BenchDialect);
    cells.push({ db, workload: "stk", close: false, connections: connections.includes(64) ? 64 : Math.max(...connections), seconds: rssSeconds, rss: true });
  }
  return { cells, mysqlUrl: a["mysql-url"], maxRate: Number(a["max-rate"]), users: Number(a.users), ceilingSeconds: seconds };
}

/** Distinct (connections, close) pairs: the trivial endpoint is measured once for each. */
export function ceilingKeys(plan: Plan): { connections: number; close: boolean }[] {
  const keys = new Map(plan.cells.map((c) => [`${c.connections}/${c.close}`, { connections: c.connections, close: c.close }]));
  return [...keys.values()];
}

/** Seconds the whole run should take on this machine (setup measured: migrate ~2 s, MariaDB seeds ~35k rows/s). */
export function estimateSeconds(plan: Plan): number {
  const cell = (c: Pick<Cell, "db" | "workload" | "seconds">) => {
    const seeded = c.workload === "c2b" ? 0 : plan.maxRate * c.seconds;
    return c.seconds + 4 + seeded / (c.db === "mysql" ? 35_000 : 130_000);
  };
  const withoutHttp = [...new Set(plan.cells.map((c) => c.db))].map((db) => cell({ db, workload: "stk", seconds: plan.ceilingSeconds }));
  const ceilings = ceilingKeys(plan).length * (plan.ceilingSeconds + 1) + (plan.cells.some((c) => c.db === "mysql") ? plan.ceilingSeconds + 2 : 0)
    + withoutHttp.reduce((a, b) => a + b, 0);
  return Math.round(plan.cells.reduce((s, c) => s + cell(c), 0) + ceilings);
}
