// The ceilings the benchmark compares mpesa-cb with, measured in the same run: a trivial Bun.serve JSON endpoint
// (in its own process, under the same wrk load), MariaDB's single-row autocommit INSERT rate from Node, and serve
// without HTTP (scripts/bench-ingest.ts: the same service, callbacks handed straight to its ingest).
import { resolve } from "node:path";
import mysql from "mysql2/promise";
import { runWrk } from "./bench-wrk.ts";
import { cpuMicros } from "./bench-proc.ts";
import { createCellDatabase, type BenchDialect } from "./bench-db.ts";
import { serveEnv } from "./bench-cell.ts";
import type { FakeTelegram } from "../test/support/fake-telegram.ts";
import type { BatchStats } from "./bench-batches.ts";

const TRIVIAL = `const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: async (req) => { await req.text();
  return Response.json({ ResultCode: 0, ResultDesc: "Accepted", outcome: "new" }); } }); console.log("port " + s.port);`;

/** Requests/s of a trivial Bun.serve endpoint answering the same callbacks. */
export async function trivialCeiling(o: { connections: number; seconds: number; close: boolean }): Promise<number> {
  const proc = Bun.spawn([process.execPath, "-e", TRIVIAL], { stdout: "pipe", stderr: "inherit" });
  try {
    const reader = proc.stdout.getReader();
    let text = "";
    while (!/port \d+/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the trivial Bun.serve endpoint exited before it listened");
      text += new TextDecoder().decode(value);
    }
    const port = /port (\d+)/.exec(text)?.[1];
    const env = { BENCH_RUN: "X", BENCH_KIND: "stk", BENCH_TAIL: "0", BENCH_CLOSE: o.close ? "1" : "0" };
    const r = await runWrk({ url: `http://127.0.0.1:${port}`, connections: o.connections, seconds: o.seconds, env });
    return r.requestsPerSec;
  } finally {
    proc.kill();
    await proc.exited;
  }
}

export interface InsertCeiling {
  perSecond: number;
  runtime: string; // what ran the client: node, or bun when node is missing
  mariadbMicrosPerInsert: number | null;
}

/** Single-row autocommit INSERTs/s into a fresh database, from a Node process (mysql2 pool, one loop per connection). */
export async function insertCeiling(o: { baseUrl: string; name: string; seconds: number; connections: number; mariadbPid: number | null }): Promise<InsertCeiling> {
  const admin = await mysql.createConnection({ uri: o.baseUrl });
  await admin.query(`CREATE DATABASE ${o.name}`);
  try {
    const url = o.baseUrl.replace(/\/[^/?]*(\?.*)?$/, `/${o.name}`);
    const runtime = Bun.which("node") ?? process.execPath;
    const before = o.mariadbPid === null ? 0 : cpuMicros(o.mariadbPid);
    const r = Bun.spawn([runtime, resolve(import.meta.dir, "bench-mariadb-ceiling.mjs"), url, String(o.seconds), String(o.connections)], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(r.stdout).text(), new Response(r.stderr).text()]);
    if ((await r.exited) !== 0) throw new Error(`the MariaDB INSERT ceiling failed:\n${err}`);
    const result = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { inserts: number; perSecond: number };
    const cpu = o.mariadbPid === null ? null : (cpuMicros(o.mariadbPid) - before) / result.inserts;
    return { perSecond: result.perSecond, runtime: runtime.endsWith("node") ? "node" : "bun", mariadbMicrosPerInsert: cpu };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${o.name}`);
    await admin.end();
  }
}

export interface IngestCeiling {
  perSecond: number; // STK successes stored per second
  serverMicros: number; // CPU of the serving process per stored callback
  mariadbMicros: number | null;
  batches: BatchStats;
}

/**
 * STK successes/s that serve stores when they reach its ingest without HTTP: a fresh seeded database, as for a cell,
 * and `connections` loops in the serving process (scripts/bench-ingest.ts).
 */
export async function ingestCeiling(o: {
  db: BenchDialect; mysqlUrl: string; name: string; seconds: number; connections: number; maxRate: number; users: number;
  telegram: FakeTelegram; mariadbPid: number | null;
}): Promise<IngestCeiling> {
  const db = await createCellDatabase(o.db, o.mysqlUrl, o.name);
  try {
    const payments = o.maxRate * o.seconds;
    await db.seed({ run: "I", payments, users: o.users });
    const before = o.mariadbPid === null ? 0 : cpuMicros(o.mariadbPid);
    const args = ["--db", db.url, "--data-dir", db.dataDir, "--seconds", String(o.seconds), "--connections", String(o.connections),
      "--run", "I", "--payments", String(payments), "--users", String(o.users)];
    const child = Bun.spawn([process.execPath, resolve(import.meta.dir, "bench-ingest.ts"), ...args], {
      env: { PATH: process.env.PATH ?? "", ...serveEnv(o.telegram) }, stdout: "pipe", stderr: "pipe",
    });
    const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    if ((await child.exited) !== 0) throw new Error(`serve without HTTP (scripts/bench-ingest.ts) failed:\n${err}`);
    const mariadbCpu = o.mariadbPid === null ? null : cpuMicros(o.mariadbPid) - before;
    const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { stored: number; other: number; seconds: number; cpuMicros: number; batches: BatchStats };
    if (r.other > 0) throw new Error(`serve without HTTP: ${r.other} callbacks were not stored as new:\n${err}`);
    const stored = Math.max(1, r.stored);
    return {
      perSecond: r.stored / r.seconds, serverMicros: r.cpuMicros / stored,
      mariadbMicros: o.db === "mysql" && mariadbCpu !== null ? mariadbCpu / stored : null, batches: r.batches,
    };
  } finally {
    await db.drop();
  }
}
