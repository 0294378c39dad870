// Stored callbacks/s in one run: two instances behind HAProxy on the 3-node Galera cluster (the harness), beside one
// instance on one MariaDB (the machine's, 127.0.0.1:3306, in a database of its own). wrk with
// scripts/bench-callbacks.lua: unique STK successes, 64 connections, BENCH_SECONDS (default 10) each.
import { join } from "node:path";
import { startCluster } from "./cluster.ts";
import { createInstance } from "./instance.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SINGLE_BASE = process.env.BENCH_SINGLE_URL ?? "mysql://root@127.0.0.1:3306";
const run = String(Date.now() % 1_000_000);

function wrk(url: string, tag: string): { line: string; rps: string } {
  const r = Bun.spawnSync(["wrk", "-t2", "-c64", `-d${SECONDS}s`, "--latency", "-s", join(import.meta.dir, "../bench-callbacks.lua"), url], {
    env: { ...process.env, BENCH_RUN: `${tag}${run}`, BENCH_SECONDS: String(SECONDS) }, stdout: "pipe", stderr: "pipe",
  });
  const out = r.stdout.toString();
  if (r.exitCode !== 0) throw new Error(`wrk failed: ${r.stderr.toString()}${out}`);
  return { line: /BENCH.*/.exec(out)?.[0] ?? "(no BENCH line)", rps: /Requests\/sec:\s*(\S+)/.exec(out)?.[1] ?? "?" };
}

function mariadb(sql: string): string {
  const r = Bun.spawnSync(["mariadb", "-uroot", "-h127.0.0.1", "-P3306", "-N", "-e", sql], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${sql}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

async function benchCluster(): Promise<string> {
  const cluster = await startCluster({ env: { MPESA_CB_LOG_LEVEL: "warn" }, log: (l) => console.log(l) });
  try {
    const w = wrk(cluster.url, "G");
    const stored = Number(cluster.nodes[2]?.sql("SELECT COUNT(*) FROM mpesa_cb.transactions"));
    return `2 instances, HAProxy, 3-node Galera: stored=${stored} (${(stored / SECONDS).toFixed(0)}/s)  requests/s=${w.rps}  ${w.line}`;
  } finally {
    await cluster.stop();
  }
}

async function benchSingle(): Promise<string> {
  const db = `mpesa_cb_bench_single_${run}`;
  mariadb(`CREATE DATABASE ${db}`);
  const dir = (await import("node:fs")).mkdtempSync("/tmp/mpesa-cb-bench-single-");
  const instance = createInstance({ name: "single", dir, databaseUrl: `${SINGLE_BASE}/${db}` });
  try {
    const migrate = Bun.spawnSync([process.execPath, join(import.meta.dir, "../../src/cli/main.ts"), "migrate"], { env: { PATH: process.env.PATH ?? "", DATABASE_URL: `${SINGLE_BASE}/${db}` }, stdout: "pipe", stderr: "pipe" });
    if (migrate.exitCode !== 0) throw new Error(`migrate failed: ${migrate.stderr.toString()}`);
    await instance.start();
    const w = wrk(instance.url, "S");
    const stored = Number(mariadb(`SELECT COUNT(*) FROM ${db}.transactions`));
    return `1 instance, one MariaDB (3306):       stored=${stored} (${(stored / SECONDS).toFixed(0)}/s)  requests/s=${w.rps}  ${w.line}`;
  } finally {
    instance.kill("SIGTERM");
    await instance.proc?.exited;
    mariadb(`DROP DATABASE IF EXISTS ${db}`);
    (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
  }
}

const single = await benchSingle();
const cluster = await benchCluster();
console.log(`\n== stored callbacks/s, unique STK successes, 64 connections, ${SECONDS} s each\n${single}\n${cluster}`);
