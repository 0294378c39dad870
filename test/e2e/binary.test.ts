// End to end: the compiled binary, copied to an empty directory and run with an empty environment.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { Database } from "bun:sqlite";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { buildBinary } from "../support/built-binary.ts";
import { collectOutput, listeningUrl } from "../support/serve-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { SCENARIO_NAMES } from "../../src/core/simulate/scenarios.ts";
import { SIMULATED_RESULT_PREFIX } from "../../src/core/simulate/result-scenarios.ts";

let dir: string;
let bin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mpesa-cb-e2e-"));
  // This machine's binary only, built by scripts/build.sh: the cross-compiled release has its own test
  // (test/scripts/build.test.ts).
  bin = join(dir, "mpesa-cb");
  const dist = mkdtempSync(join(tmpdir(), "mpesa-cb-e2e-dist-"));
  try {
    copyFileSync(await buildBinary(dist), bin);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  return Bun.spawnSync([bin, ...args], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
}

/** The binary's `serve` on port 0: it binds a free port itself, and its "listening on" line says which. */
async function startServe(args: string[]): Promise<{ proc: Subprocess; url: string; port: number; output(): string }> {
  const proc = Bun.spawn([bin, "serve", "--port", "0", "--host", "127.0.0.1", ...args], { cwd: dir, env: {}, stdout: "pipe", stderr: "pipe" });
  let text = "";
  collectOutput(proc, (chunk) => (text += chunk));
  let url: string | null = null;
  try {
    await waitFor(() => (url = listeningUrl(text)) !== null || proc.exitCode !== null, { what: "serve's listening line", timeoutMs: 30_000 });
    if (url === null) throw new Error(`serve exited ${proc.exitCode}`);
    const found: string = url;
    await waitFor(() => fetch(`${found}/health`).then((r) => r.ok, () => false), { what: `${found}/health to answer 200`, timeoutMs: 30_000 });
  } catch (e) {
    proc.kill("SIGKILL");
    throw new Error(`${String(e)}\n${text}`);
  }
  const found: string = url;
  return { proc, url: found, port: Number(new URL(found).port), output: () => text };
}

describe("compiled binary", () => {
  test("--version and --help on every command", () => {
    expect(run(["--version"]).stdout.toString()).toMatch(/^mpesa-cb \d+\.\d+\.\d+ \(\w+\)/);
    for (const cmd of ["serve", "migrate", "simulate", "health"]) {
      expect(run([cmd, "--version"]).stdout.toString()).toMatch(/^mpesa-cb /);
      const help = run([cmd, "--help"]);
      expect([help.exitCode, help.stdout.toString().includes(`Usage: mpesa-cb ${cmd}`)]).toEqual([0, true]);
    }
  });

  test("a bad setting exits 78 with one line per problem, before listening", () => {
    const r = run(["serve"], { PORT: "eighty", MPESA_CB_LOG_LEVEL: "loud" });
    expect(r.exitCode).toBe(78);
    const err = r.stderr.toString();
    expect(err).toContain('PORT (--port): must be a whole number from 0 to 65535, got "eighty"');
    expect(err).toContain('MPESA_CB_LOG_LEVEL (--log-level): must be one of silent, error, warn, info, debug, got "loud"');
    expect(err.split("\n").filter((l) => l.includes("invalid setting"))).toHaveLength(2); // one line per problem
  });

  test("env -i: serves a callback into SQLite, answers /health, passes simulate, stops on SIGTERM", async () => {
    const { proc, url } = await startServe([]);
    try {
      const id = uniqueId();
      const res = await fetch(`${url}/mpesa/callback`, { method: "POST", body: successBody(id, `E${id.slice(-9)}`), headers: { "content-type": "application/json" } });
      expect(res.status).toBe(200);
      const sim = run(["simulate", "--url", url]);
      expect(sim.exitCode).toBe(0);
      expect(sim.stdout.toString()).toContain("6 passed, 0 failed");
      const health = run(["health", "--url", url]);
      expect([health.exitCode, health.stdout.toString().startsWith("HEALTHY")]).toEqual([0, true]);
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
    expect(existsSync(join(dir, "data/mpesa-cb.sqlite"))).toBe(true);
    const db = new Database(join(dir, "data/mpesa-cb.sqlite"), { readonly: true });
    const row = db.query("SELECT COUNT(*) AS n FROM transactions WHERE status = 'Success'").get() as { n: number };
    db.close();
    expect(row.n).toBeGreaterThanOrEqual(2); // ours and simulate's
  });

  test("compiled simulate and health against a compiled serve: every scenario, a load run, then down after SIGTERM", async () => {
    const { proc, url, port } = await startServe(["--data-dir", "data-sim"]);
    let report: { passed: boolean; runId: string; results: { name: string; passed: boolean; ids: string[] }[] } = { passed: false, runId: "", results: [] };
    try {
      const all = run(["simulate", "--url", url, "--json", "--scenario", "all"]);
      report = JSON.parse(all.stdout.toString()) as typeof report;
      expect([all.exitCode, report.passed]).toEqual([0, true]);
      expect(report.results.map((r) => r.name)).toEqual([...SCENARIO_NAMES]); // the STK, spoof, C2B and Result scenarios, each passed
      expect(report.results.filter((r) => !r.passed)).toEqual([]);
      const load = run(["simulate", "--url", url, "--rate", "50", "--duration", "1s", "--json"]); // the bundled undici client
      const summary = (JSON.parse(load.stdout.toString()) as { load: { sent: number; acknowledged: number } }).load;
      expect([load.exitCode, summary.acknowledged]).toEqual([0, summary.sent]);
      const quiet = run(["health", "--quiet"], { PORT: String(port) });
      expect([quiet.exitCode, quiet.stdout.toString(), quiet.stderr.toString()]).toEqual([0, "", ""]);
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
    expect(run(["health", "--url", url, "--quiet"]).exitCode).toBe(2);
    const sim = run(["simulate", "--url", url]);
    expect(sim.exitCode).toBe(1);
    expect(sim.stdout.toString()).toMatch(/FAIL root\s.*connection refused/);
    expect(run(["health", "--direct", "--data-dir", "data-sim"]).exitCode).toBe(0); // the database outlives the server
    // The Result scenarios' rows, as the compiled store wrote them: one per request, keyed by the simulated id.
    const db = new Database(join(dir, "data-sim/mpesa-cb.sqlite"), { readonly: true });
    const rows = db.query("SELECT result_key, api, status, superseded_status FROM daraja_results WHERE result_key LIKE ? ORDER BY id")
      .all(`${SIMULATED_RESULT_PREFIX}${report.runId}-%`) as { result_key: string; api: string; status: string; superseded_status: string | null }[];
    db.close();
    const keyOf = (name: string) => report.results.find((r) => r.name === name)?.ids[0] ?? null;
    expect(rows.map((r) => [r.result_key, r.api, r.status, r.superseded_status])).toEqual([
      [keyOf("b2c-success"), "b2c", "Success", null], [keyOf("b2c-failure"), "b2c", "Failed", null], [keyOf("b2c-timeout"), "b2c", "Timeout", null],
      [keyOf("b2c-late-result"), "b2c", "Success", "Timeout"], [keyOf("status-result"), "status", "Success", null],
      [keyOf("balance-result"), "balance", "Success", null], [keyOf("reversal-result"), "reversal", "Success", null],
    ]);
  });

  test("scripts/smoke.sh passes on this binary, on the free port the server took and reported", () => {
    const r = Bun.spawnSync(["bash", resolve(import.meta.dir, "../../scripts/smoke.sh"), bin], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    const out = r.stdout.toString();
    expect([r.exitCode, r.stderr.toString()]).toEqual([0, ""]);
    expect(out).toContain("6 passed, 0 failed");
    expect(out).toMatch(/smoke test passed: mpesa-cb 0\.1\.0 \(\w+\) on http:\/\/127\.0\.0\.1:[1-9]\d*\n$/);
  }, 60_000);

  test("health against nothing listening exits 2", () => {
    const r = run(["health", "--url", "http://127.0.0.1:1"]);
    expect(r.exitCode).toBe(2);
  });
});
