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
  const build = Bun.spawnSync(["bash", "scripts/build.sh"], { cwd: root, stdout: "pipe", stderr: "pipe" });
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

  test("health against nothing listening exits 2", () => {
    const r = run(["health", "--url", "http://127.0.0.1:1"]);
    expect(r.exitCode).toBe(2);
  });
});
