// Runs wrk with scripts/bench-callbacks.lua (asynchronously: the fake Bot API in this process must keep answering)
// and reads the summary line the script prints.
import { resolve } from "node:path";

const LUA = resolve(import.meta.dir, "bench-callbacks.lua");

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  env: Record<string, string>; // BENCH_* settings of the lua script
}

export interface WrkResult {
  new: number; // 2xx answers with outcome "new"
  dup: number; // … "duplicate"
  other: number; // … any other outcome
  non2xx: number;
  generated: number; // callbacks the script produced (a closed connection loses the one written after the close)
  requests: number; // answers wrk counted, the tail's GETs included
  requestsPerSec: number;
  p50ms: number;
  p99ms: number;
  errors: { connect: number; read: number; write: number; timeout: number };
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const threads = Math.min(2, o.connections);
  const proc = Bun.spawn(["wrk", "-t", String(threads), "-c", String(o.connections), "-d", `${o.seconds}s`, "--timeout", "10s", "--latency", "-s", LUA, o.url], {
    env: { ...process.env, BENCH_SECONDS: String(o.seconds), ...o.env }, stdout: "pipe", stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return parseWrk(`${out}\n${err}`);
}

export function parseWrk(out: string): WrkResult {
  const m = /BENCH new=(\d+) dup=(\d+) other=(\d+) non2xx=(\d+) generated=(\d+) requests=(\d+) p50_us=(\d+) p99_us=(\d+) connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+)/.exec(out);
  if (m === null) throw new Error(`wrk printed no BENCH summary line (is scripts/bench-callbacks.lua intact?):\n${out}`);
  const n = (i: number) => Number(m[i]);
  return {
    new: n(1), dup: n(2), other: n(3), non2xx: n(4), generated: n(5), requests: n(6),
    requestsPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50ms: n(7) / 1000, p99ms: n(8) / 1000,
    errors: { connect: n(9), read: n(10), write: n(11), timeout: n(12) },
  };
}

/** Per-thread range of payment numbers for a run: what to seed so that no callback lacks its payment request. */
export function perThread(connections: number, maxRate: number, seconds: number): number {
  return Math.ceil((maxRate * seconds) / Math.min(2, connections));
}

export function wrkThreads(connections: number): number {
  return Math.min(2, connections);
}
