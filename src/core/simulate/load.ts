// Load mode: unique success callbacks at a fixed rate for a fixed time, each answer checked, over keep-alive connections.
// Under Bun, `import "undici"` is Bun's partial built-in; the package's entry file is the real client (DESIGN.md).
import { Pool } from "undici/index.js";
import { checkAck } from "./checks.ts";
import { freshCallback } from "./fresh-callbacks.ts";
import { parseObject, type Target } from "./http.ts";
import type { IdSource } from "./ids.ts";
import { countFailure, newTally, summarise, type LoadSummary, type LoadTally } from "./load-stats.ts";

export interface LoadOptions {
  target: Target;
  rate: number; // callbacks per second
  durationMs: number;
  connections: number;
  ids: IdSource;
  onProgress?: (p: LoadProgress) => void; // about 4 times a second
}

export interface LoadProgress {
  elapsedMs: number;
  sent: number;
  acknowledged: number;
  inFlight: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadSummary & { firstProblem?: string }> {
  const url = new URL(o.target.baseUrl);
  const path = `${url.pathname.replace(/\/+$/, "")}${o.target.callbackPath}`;
  const pool = new Pool(url.origin, { connections: o.connections, headersTimeout: o.target.timeoutMs, bodyTimeout: o.target.timeoutMs });
  const tally = newTally();
  const inFlight = new Set<Promise<void>>();
  let firstProblem: string | undefined;
  const started = performance.now();
  const report = () => o.onProgress?.({ elapsedMs: performance.now() - started, sent: tally.sent, acknowledged: tally.acknowledged, inFlight: inFlight.size });
  const progress = setInterval(report, 250);
  try {
    await atFixedRate(o.rate, o.durationMs, started, () => {
      const p: Promise<void> = sendOne(pool, path, o, tally).then((problem) => {
        firstProblem ??= problem;
        inFlight.delete(p);
      });
      inFlight.add(p);
    });
    const sendingMs = performance.now() - started;
    await Promise.all(inFlight); // each ends by itself within --timeout
    report();
    return { ...summarise(tally, o.rate, sendingMs, performance.now() - started), ...(firstProblem ? { firstProblem } : {}) };
  } finally {
    clearInterval(progress);
    await pool.close();
  }
}

/** Calls `fire` for request i at started + i/rate, until the duration is over (open loop: a slow server does not slow us). */
async function atFixedRate(rate: number, durationMs: number, started: number, fire: () => void): Promise<void> {
  const total = Math.ceil((durationMs * rate) / 1000);
  let fired = 0;
  while (fired < total) {
    const now = performance.now();
    if (now - started >= durationMs) return;
    const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
    for (; fired < due; fired++) fire();
    const nextAt = started + (fired * 1000) / rate;
    await Bun.sleep(Math.max(1, nextAt - performance.now()));
  }
}

/** One fresh success callback; resolves to why it was not acknowledged (undefined when it was). Never rejects. */
async function sendOne(pool: Pool, path: string, o: LoadOptions, tally: LoadTally): Promise<string | undefined> {
  const sim = o.ids.next();
  const body = freshCallback("stk_success", sim);
  tally.sent++;
  const sentAt = performance.now();
  try {
    const res = await pool.request({ path, method: "POST", body, headers: { "content-type": "application/json;charset=UTF-8" } });
    const text = await res.body.text();
    tally.latenciesMs.push(performance.now() - sentAt);
    const wrong = checkAck({ status: res.statusCode, text, json: parseObject(text) }, sim.checkoutRequestId, "new");
    if (wrong === null) tally.acknowledged++;
    else countFailure(tally, res.statusCode === 200 ? "200 but not an acknowledgement" : `HTTP ${res.statusCode}`);
    return wrong ?? undefined;
  } catch (e) {
    const why = e instanceof Error ? `${e.name === "HeadersTimeoutError" || e.name === "BodyTimeoutError" ? `no answer within ${o.target.timeoutMs} ms` : e.message}` : String(e);
    countFailure(tally, why);
    return why;
  }
}
