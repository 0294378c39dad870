// End to end: the compiled binary, copied to an empty directory and run with an empty environment.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Database } from "bun:sqlite";
import { successBody, uniqueId } from "../support/callbacks.ts";

const root = resolve(import.meta.dir, "../..");
let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mpesa-cb-e2e-"));
  // This machine's binary only: the cross-compiled release build has its own test (test/scripts/build.test.ts).
  const build = Bun.spawnSync(["bash", "scripts/build.sh"], { cwd: root, env: { ...process.env, MPESA_CB_TARGETS: "host" }, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  bin = join(dir, "mpesa-cb");
  copyFileSync(join(root, "dist/mpesa-cb"), bin);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  return Bun.spawnSync([bin, ...args], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(`server at ${url} never became healthy`);
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
    expect(err).toContain("PORT (--port): must be integer");
    expect(err).toContain("MPESA_CB_LOG_LEVEL (--log-level)");
  });

  test("env -i: serves a callback into SQLite, answers /health, passes simulate, stops on SIGTERM", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const proc = Bun.spawn([bin, "serve", "--port", String(port), "--host", "127.0.0.1"], { cwd: dir, env: {}, stdout: "pipe", stderr: "pipe" });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(url);
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
    const port = 20000 + Math.floor(Math.random() * 20000);
    const proc = Bun.spawn([bin, "serve", "--port", String(port), "--host", "127.0.0.1", "--data-dir", "data-sim"], { cwd: dir, env: {}, stdout: "pipe", stderr: "pipe" });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(url);
      const all = run(["simulate", "--url", url, "--json", "--scenario", "root,health,success,failed,invalid,timeout,insufficient,wrong-pin,expired,balance-no-value,duplicate-burst,late-success"]);
      const report = JSON.parse(all.stdout.toString()) as { passed: boolean; results: { passed: boolean }[] };
      expect([all.exitCode, report.passed, report.results.length]).toEqual([0, true, 12]);
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
  });

  test("health against nothing listening exits 2", () => {
    const r = run(["health", "--url", "http://127.0.0.1:1"]);
    expect(r.exitCode).toBe(2);
  });
});
