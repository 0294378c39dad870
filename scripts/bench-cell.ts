// One benchmark cell: a fresh seeded database, `mpesa-cb serve` with Telegram on against the fake Bot API, wrk for
// the cell's time, then what was stored, the CPU the server and MariaDB spent, and the checks.
import type { Cell, Plan } from "./bench-plan.ts";
import { createCellDatabase, type Stored } from "./bench-db.ts";
import { perThread, runWrk, wrkThreads, type WrkResult } from "./bench-wrk.ts";
import { cpuMicros, passiveOpens, rssMiB } from "./bench-proc.ts";
import { batchStats, type BatchStats } from "./bench-batches.ts";
import { startServeProcess } from "../test/support/serve-process.ts";
import type { FakeTelegram } from "../test/support/fake-telegram.ts";

export interface CellResult {
  cell: Cell;
  wrk: WrkResult;
  stored: Stored;
  perSecond: number; // callbacks stored per second (every acknowledged one has its callback_logs row)
  serverMicros: number; // CPU per stored callback
  mariadbMicros: number | null;
  sent: number; // Telegram messages the fake Bot API received during the load
  connectionsPerRequest: number;
  rss: { half: number; end: number } | null;
  batches: BatchStats; // how serve grouped the callbacks (its /metrics)
  problems: string[]; // failed checks
}

export interface CellContext {
  plan: Plan;
  runId: string;
  index: number;
  telegram: FakeTelegram;
  mariadbPid: number | null;
}

const ADMIN_CHAT = "100200300";

/** The environment serve runs with in every cell (and in the ceiling without HTTP): Telegram on, the load's source allowed. */
export function serveEnv(telegram: FakeTelegram): Record<string, string> {
  return {
    MPESA_CB_LOG_LEVEL: "warn", MPESA_CB_SOURCE_IPS: "127.0.0.1", // the load comes from an allowed source
    TELEGRAM_BOT_TOKEN: telegram.token, ADMIN_CHAT_ID: ADMIN_CHAT, TELEGRAM_API_ROOT: telegram.apiRoot,
  };
}

export async function runCell(cell: Cell, ctx: CellContext): Promise<CellResult> {
  const db = await createCellDatabase(cell.db, ctx.plan.mysqlUrl, `mpesa_cb_bench_${ctx.runId}_${ctx.index}`);
  try {
    const each = perThread(cell.connections, ctx.plan.maxRate, cell.seconds);
    const run = `B${ctx.index}`;
    await db.seed({ run, payments: cell.workload === "c2b" ? 0 : each * wrkThreads(cell.connections), users: ctx.plan.users });
    const server = await startServeProcess({ dbUrl: db.url, dataDir: db.dataDir, port: 0, env: serveEnv(ctx.telegram) });
    try {
      return await measure(cell, ctx, { url: server.url, pid: server.proc.pid, run, perThread: each, count: db.count });
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
    }
  } finally {
    await db.drop();
  }
}

interface Target {
  url: string;
  pid: number;
  run: string;
  perThread: number;
  count: (table: "transactions" | "c2b_payments") => Promise<Stored>;
}

async function measure(cell: Cell, ctx: CellContext, t: Target): Promise<CellResult> {
  const before = { server: cpuMicros(t.pid), mariadb: ctx.mariadbPid === null ? 0 : cpuMicros(ctx.mariadbPid), opens: passiveOpens(), sent: ctx.telegram.delivered.length };
  let half = 0;
  const halfTimer = cell.rss ? setTimeout(() => (half = rssMiB(t.pid)), (cell.seconds * 1000) / 2) : null;
  const wrk = await runWrk({
    url: t.url, connections: cell.connections, seconds: cell.seconds,
    env: { BENCH_RUN: t.run, BENCH_KIND: cell.workload, BENCH_PER_THREAD: String(t.perThread), BENCH_USERS: String(ctx.plan.users), BENCH_CLOSE: cell.close ? "1" : "0" },
  });
  const end = cell.rss ? rssMiB(t.pid) : 0;
  if (halfTimer !== null) clearTimeout(halfTimer);
  const serverCpu = cpuMicros(t.pid) - before.server;
  const mariadbCpu = ctx.mariadbPid === null ? null : cpuMicros(ctx.mariadbPid) - before.mariadb;
  const opens = passiveOpens() - before.opens;
  const sent = ctx.telegram.delivered.length - before.sent;
  const batches = batchStats(await (await fetch(`${t.url}/metrics`)).text());
  const stored = await t.count(cell.workload === "c2b" ? "c2b_payments" : "transactions");
  const acked = wrk.new + wrk.dup + wrk.other;
  return {
    cell, wrk, stored, sent, batches, rss: cell.rss ? { half, end } : null,
    perSecond: stored.spanSeconds > 0 ? stored.logs / stored.spanSeconds : 0,
    serverMicros: serverCpu / Math.max(1, stored.logs),
    mariadbMicros: cell.db === "mysql" && mariadbCpu !== null ? mariadbCpu / Math.max(1, stored.logs) : null,
    connectionsPerRequest: opens / Math.max(1, wrk.requests),
    problems: checks(cell, wrk, stored, acked, opens),
  };
}

function checks(cell: Cell, wrk: WrkResult, stored: Stored, acked: number, opens: number): string[] {
  const e = wrk.errors;
  // With Connection: close, wrk writes its next request before it notices the close, and counts a read error each
  // time: those are the reconnections, not failures (the check below verifies the reconnections instead).
  const errors = e.connect + e.write + e.timeout + (cell.close ? 0 : e.read);
  return [
    ...(acked !== stored.logs ? [`acked ${acked} ≠ logged ${stored.logs}`] : []),
    ...(wrk.new !== stored.payments ? [`acked new ${wrk.new} ≠ stored ${stored.payments}`] : []),
    ...(wrk.non2xx > 0 ? [`${wrk.non2xx} non-2xx`] : []),
    ...(errors > 0 ? [`socket errors: connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`] : []),
    ...(stored.unsolicited > 0 ? [`${stored.unsolicited} successes had no payment request (raise --max-rate)`] : []),
    ...(cell.close && opens < wrk.requests * 0.9 ? [`only ${opens} new connections for ${wrk.requests} requests: wrk did not reconnect`] : []),
    ...(acked === 0 ? ["nothing was acknowledged"] : []),
  ];
}
