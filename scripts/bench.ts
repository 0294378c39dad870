// Benchmark: unique STK success callbacks against `mpesa-cb serve` on loopback, for a fixed time, at several
// connection counts; beside it, in the same run, a trivial Bun.serve JSON endpoint as this machine's ceiling.
// Usage: bun scripts/bench.ts [--db sqlite|mysql|mysql://…] [--seconds 10] [--connections 16,64] [--binary dist/mpesa-cb]
//        [--tool wrk|js] (wrk, from Debian's wrk package, is the default when installed: it leaves the CPU to the server)
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { QueryTypes } from "sequelize";
import { runLoad } from "./loadgen.ts";
import { percentile } from "../src/core/simulate/load-stats.ts"; // the nearest-rank percentile simulate uses and tests
import { openDatabase, type Database } from "../src/core/store/database.ts";
import { parseDatabaseUrl } from "../src/core/database-url.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16,64" },
    binary: { type: "string" },
    tool: { type: "string", default: Bun.which("wrk") ? "wrk" : "js" },
    "serve-arg": { type: "string", multiple: true, default: [] },
  },
});
const root = resolve(import.meta.dir, "..");
const seconds = Number(args.seconds);
const connectionCounts = args.connections.split(",").map(Number);
const runId = Date.now().toString(36).toUpperCase();

function callbackBody(seq: number, tag: string): string {
  const id = `ws_CO_BENCH${runId}${tag}${seq}`;
  return JSON.stringify({ Body: { stkCallback: {
    MerchantRequestID: `bench-${seq}`, CheckoutRequestID: id, ResultCode: 0, ResultDesc: "The service request is processed successfully.",
    CallbackMetadata: { Item: [
      { Name: "Amount", Value: 1500.0 }, { Name: "MpesaReceiptNumber", Value: `B${runId}${tag}${seq}` },
      { Name: "TransactionDate", Value: 20250115103112 }, { Name: "PhoneNumber", Value: 254700000001 },
    ] },
  } } });
}

async function waitForPort(port: number, path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.ok, () => false)) return;
    await Bun.sleep(50);
  }
  throw new Error(`nothing answered on port ${port}`);
}

interface Measured {
  acked: number;
  p50: number;
  p99: number;
  failures: string;
  okIds?: string[];
}

/** wrk: callbacks for all but the last second, then GET / so that nothing is in flight when it stops. */
function wrkRun(port: number, connections: number, tag: string): Measured & { requestsPerSec: number } {
  const threads = Math.min(2, connections);
  const out = Bun.spawnSync(["wrk", "-t", String(threads), "-c", String(connections), "-d", `${seconds}s`, "--latency",
    "-s", join(root, "scripts/bench-callbacks.lua"), `http://127.0.0.1:${port}`], {
    env: { ...process.env, BENCH_RUN: `${runId}${tag}`, BENCH_SECONDS: String(seconds) }, stdout: "pipe", stderr: "pipe",
  }).stdout.toString();
  const m = /BENCH acked=(\d+) p50_us=(\d+) p99_us=(\d+) errors=(\d+) non2xx=(\d+)/.exec(out);
  if (m === null) throw new Error(`wrk printed no summary:\n${out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const failures = Number(m[4]) + Number(m[5]) > 0 ? `${m[4]} connection errors, ${m[5]} non-2xx` : "";
  return { acked: Number(m[1]), p50: Number(m[2]) / 1000, p99: Number(m[3]) / 1000, failures, requestsPerSec: rps };
}

async function jsRun(port: number, connections: number, tag: string): Promise<Measured> {
  const r = await runLoad({ host: "127.0.0.1", port, path: "/mpesa/callback", connections, durationMs: seconds * 1000, body: (s) => callbackBody(s, tag) });
  const sorted = r.latenciesMs.slice().sort();
  const failures = r.other + r.errors > 0 ? `${r.errors} connection errors, ${r.other} non-200` : "";
  return { acked: r.ok, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, okIds: r.okSeqs.map((s) => `ws_CO_BENCH${runId}${tag}${s}`) };
}

/** The machine's ceiling: a trivial Bun.serve JSON endpoint under the same load. */
async function ceiling(connections: number): Promise<number> {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const code = `Bun.serve({ port: ${port}, hostname: "127.0.0.1", fetch: async (req) => { await req.text(); return Response.json({ ResultCode: 0, ResultDesc: "Accepted" }); } });`;
  const proc = Bun.spawn([process.execPath, "-e", code], { stdout: "ignore", stderr: "inherit" });
  try {
    await waitForPort(port, "/");
    if (args.tool === "wrk") return wrkRun(port, connections, "X").requestsPerSec;
    const r = await runLoad({ host: "127.0.0.1", port, path: "/mpesa/callback", connections, durationMs: seconds * 1000, body: (s) => callbackBody(s, "X") });
    return r.ok / (r.elapsedMs / 1000);
  } finally {
    proc.kill();
    await proc.exited;
  }
}

async function prepareDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (args.db === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-bench-"));
    return { url: `sqlite:${join(dir, "bench.sqlite")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = args.db === "mysql" ? "mysql://root@127.0.0.1:3306/test" : args.db;
  const name = `mpesa_cb_bench_${runId.toLowerCase()}`;
  const admin = await openDatabase((parseDatabaseUrl(base, "--db") as { ok: true; value: never }).value);
  await admin.sequelize.query(`CREATE DATABASE ${name}`);
  const url = base.replace(/\/[^/]*$/, `/${name}`);
  const cmd = command(["migrate", "--db", url]);
  if (Bun.spawnSync(cmd, { stdout: "inherit", stderr: "inherit" }).exitCode !== 0) throw new Error("migrate failed");
  return { url, cleanup: async () => { await admin.sequelize.query(`DROP DATABASE ${name}`); await admin.close(); } };
}

/** What the server stored for a run, and its rate measured from its own receive times. */
async function storedFor(db: Database, prefix: string): Promise<{ ids: Set<string>; rate: number }> {
  const rows = await db.sequelize.query<{ id: string; at: unknown }>(
    "SELECT t.checkout_request_id AS id, l.received_at AS at FROM transactions t JOIN callback_logs l ON l.checkout_request_id = t.checkout_request_id WHERE t.checkout_request_id LIKE ?",
    { replacements: [`${prefix}%`], type: QueryTypes.SELECT });
  const times = rows.map((r) => (r.at instanceof Date ? r.at.getTime() : Date.parse(`${String(r.at).replace(" ", "T")}Z`)));
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return { ids: new Set(rows.map((r) => r.id)), rate: span > 0 ? rows.length / span : 0 };
}

function command(argv: string[]): string[] {
  return args.binary ? [resolve(args.binary), ...argv] : [process.execPath, join(root, "src/cli/main.ts"), ...argv];
}

async function main(): Promise<void> {
  const { url, cleanup } = await prepareDatabase();
  const port = 30000 + Math.floor(Math.random() * 20000);
  const server = Bun.spawn(command(["serve", "--db", url, "--port", String(port), "--host", "127.0.0.1", "--log-level", "warn", ...args["serve-arg"]]), { stdout: "inherit", stderr: "inherit" });
  const db = await openDatabase((parseDatabaseUrl(url, "--db") as { ok: true; value: never }).value);
  try {
    await waitForPort(port, "/health");
    console.log(`mpesa-cb bench: ${db.description}, ${seconds}s per run, unique success callbacks, load from ${args.tool}`);
    console.log("conns | callbacks/s | p50 ms | p99 ms | acked  | stored | lost | ceiling req/s | ratio");
    for (const [i, connections] of connectionCounts.entries()) {
      const tag = `C${i}`;
      const m = args.tool === "wrk" ? wrkRun(port, connections, tag) : await jsRun(port, connections, tag);
      await Bun.sleep(200);
      const stored = await storedFor(db, `ws_CO_BENCH${runId}${tag}`);
      const lost = m.okIds ? m.okIds.filter((id) => !stored.ids.has(id)).length : Math.max(0, m.acked - stored.ids.size);
      const top = await ceiling(connections);
      console.log([
        String(connections).padStart(5), stored.rate.toFixed(0).padStart(11), m.p50.toFixed(2).padStart(6), m.p99.toFixed(2).padStart(6),
        String(m.acked).padStart(6), String(stored.ids.size).padStart(6), String(lost).padStart(4), top.toFixed(0).padStart(13), (stored.rate / top).toFixed(2).padStart(5),
      ].join(" | ") + (m.failures ? `  (${m.failures})` : ""));
    }
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    await db.close();
    await cleanup();
  }
}

await main();
