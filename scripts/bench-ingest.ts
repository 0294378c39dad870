// The benchmark's third ceiling, serve without HTTP: the service `mpesa-cb serve` starts (the same settings from the
// environment, Telegram on, its workers running) is handed STK successes straight into its ingest by `--connections`
// loops, each waiting for its answer before the next, as a keep-alive connection does. Against a cell, it shows what
// share of the time HTTP takes; against the MariaDB ceiling, what the database's writes cost.
// Usage: bun scripts/bench-ingest.ts --db URL --data-dir DIR --seconds S --connections C --run R --payments N --users U
// Prints one JSON line: {"stored": n, "other": n, "seconds": s, "cpuMicros": µs of this process, "batches": BatchStats}.
import { parseArgs } from "node:util";
import { startService } from "../src/server/service.ts";
import { createLogger, loadConfig } from "../src/cli/settings.ts";
import { newRequestId } from "../src/core/store/request-ids.ts";
import { batchStats } from "./bench-batches.ts";

// The STK success scripts/bench-callbacks.lua sends for payment number n (its `stk(n, true)`).
function stkSuccessBody(run: string, n: number, users: number): string {
  return JSON.stringify({ Body: { stkCallback: {
    MerchantRequestID: `bench-${n}`, CheckoutRequestID: `ws_CO_${run}_${n}`, ResultCode: 0, ResultDesc: "The service request is processed successfully.",
    CallbackMetadata: { Item: [
      { Name: "Amount", Value: 1500.0 }, { Name: "MpesaReceiptNumber", Value: `R${run}N${n}` },
      { Name: "TransactionDate", Value: 20250115103112 }, { Name: "PhoneNumber", Value: 254710000000 + 1 + (n % users) },
    ] },
  } } });
}

const { values: a } = parseArgs({
  options: {
    db: { type: "string" }, "data-dir": { type: "string" }, seconds: { type: "string", default: "10" }, connections: { type: "string", default: "64" },
    run: { type: "string", default: "I" }, payments: { type: "string" }, users: { type: "string", default: "10000" },
  },
});
const seconds = Number(a.seconds);
const loops = Number(a.connections);
const payments = Number(a.payments); // payment requests seeded, numbered 1..payments
const users = Number(a.users);
if (a.db === undefined || a["data-dir"] === undefined || !(payments >= 2)) throw new Error("usage: bench-ingest.ts --db URL --data-dir DIR --payments N [--seconds S] [--connections C] [--run R] [--users U]");

const config = loadConfig(process.env, { db: a.db, dataDir: a["data-dir"], port: "0", host: "127.0.0.1" });
const service = await startService(config, createLogger(config.logLevel), "bench");
let stored = 0;
let other = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const end = started + seconds * 1000;
// Payment numbers as wrk's two threads send them (bench-wrk.ts): two ascending runs, each over half of the seeded
// requests. The order matters: spread over 64 runs, each batch's rows land on many more index pages (on SQLite, every
// page a batch changes is written to the WAL in full), and the same code stores half as many callbacks per second.
const runs = [0, 0];
const perRun = Math.floor(payments / runs.length);
await Promise.all(Array.from({ length: loops }, async (_, loop) => {
  for (let r = loop % runs.length; performance.now() < end; ) {
    const i = ++(runs[r] as number);
    if (i > perRun) break;
    const n = r * perRun + i;
    // The id serve gives (its order decides which index pages a batch writes), then the rest as serve builds it.
    const reply = await service.ingest.handle({
      id: newRequestId(), receivedAt: new Date(), sourceIp: "127.0.0.1", sourceVerdict: "listed", family: "stk",
      route: "/mpesa/callback", rawBody: stkSuccessBody(a.run as string, n, users), edgeProblems: [],
    });
    if (reply.status === 200 && reply.body.outcome === "new") stored++;
    else other++;
  }
}));
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const batches = batchStats(await service.metrics.render());
await service.stop();
console.log(JSON.stringify({ stored, other, seconds: elapsed, cpuMicros: cpu.user + cpu.system, batches }));
