// Benchmark: unique STK success callbacks against `mpesa-cb serve` on loopback, for a fixed time, at several
// connection counts; beside it, in the same run, a trivial Bun.serve JSON endpoint as this machine's ceiling.
// Usage: bun scripts/bench.ts [--db sqlite|mysql://…] [--seconds 10] [--connections 16,64] [--binary dist/mpesa-cb]
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { QueryTypes } from "sequelize";
import { runLoad, percentile, type LoadResult } from "./loadgen.ts";
import { openDatabase } from "../src/core/store/database.ts";
import { parseDatabaseUrl } from "../src/core/database-url.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16,64" },
    binary: { type: "string" },
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

function summary(r: LoadResult) {
  const sorted = r.latenciesMs.slice().sort();
  return { rate: r.ok / (r.elapsedMs / 1000), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function ceiling(connections: number): Promise<number> {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const code = `Bun.serve({ port: ${port}, hostname: "127.0.0.1", fetch: async (req) => { await req.text(); return Response.json({ ResultCode: 0, ResultDesc: "Accepted" }); } });`;
  const proc = Bun.spawn([process.execPath, "-e", code], { stdout: "ignore", stderr: "inherit" });
  try {
    await waitForPort(port, "/");
    const r = await runLoad({ host: "127.0.0.1", port, path: "/mpesa/callback", connections, durationMs: seconds * 1000, body: (s) => callbackBody(s, "X") });
    return summary(r).rate;
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
    console.log(`mpesa-cb bench: ${args.db === "sqlite" ? "SQLite" : "MySQL"} (${db.description}), ${seconds}s per run, unique success callbacks`);
    console.log("conns | callbacks/s | p50 ms | p99 ms | acked  | stored | lost | ceiling req/s | ratio");
    for (const [i, connections] of connectionCounts.entries()) {
      const tag = `C${i}N`;
      const r = await runLoad({ host: "127.0.0.1", port, path: "/mpesa/callback", connections, durationMs: seconds * 1000, body: (s) => callbackBody(s, tag) });
      const s = summary(r);
      const rows = await db.sequelize.query<{ id: string }>("SELECT checkout_request_id AS id FROM transactions WHERE checkout_request_id LIKE ?", { replacements: [`ws_CO_BENCH${runId}${tag}%`], type: QueryTypes.SELECT });
      const stored = new Set(rows.map((x) => x.id));
      const lost = r.okSeqs.filter((seq) => !stored.has(`ws_CO_BENCH${runId}${tag}${seq}`)).length;
      const top = await ceiling(connections);
      console.log([
        String(connections).padStart(5), s.rate.toFixed(0).padStart(11), s.p50.toFixed(2).padStart(6), s.p99.toFixed(2).padStart(6),
        String(r.ok).padStart(6), String(stored.size).padStart(6), String(lost).padStart(4), top.toFixed(0).padStart(13), (s.rate / top).toFixed(2).padStart(5),
      ].join(" | ") + (r.other + r.errors > 0 ? `  (${r.other} non-200, ${r.errors} connection errors)` : ""));
    }
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    await db.close();
    await cleanup();
  }
}

await main();
