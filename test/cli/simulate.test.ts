// `mpesa-cb simulate` run as an operator runs it (a child process, output to a pipe) against real and broken servers.
import { afterAll, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { QueryTypes } from "sequelize";
import { stkFixtures } from "../../src/core/daraja/stk/fixtures.ts";
import { parseStkCallback } from "../../src/core/daraja/stk/parse-stk.ts";
import { parseJson } from "../../src/core/daraja/parse-json.ts";
import { freshCallback } from "../../src/core/simulate/fresh-callbacks.ts";
import { createIdSource, SIMULATED_PREFIX } from "../../src/core/simulate/ids.ts";
import { percentile } from "../../src/core/simulate/load-stats.ts";
import { SCENARIO_NAMES } from "../../src/core/simulate/scenarios.ts";
import { SIMULATED_RESULT_PREFIX } from "../../src/core/simulate/result-scenarios.ts";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";

const root = resolve(import.meta.dir, "../..");
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "src/cli/main.ts", "simulate", ...args], {
    cwd: root, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

async function service(dialect: "sqlite" | "mysql"): Promise<{ svc: Service; tdb: TestDatabase }> {
  const tdb = await createTestDatabase(dialect);
  const svc = await startTestService(tdb);
  cleanups.push(() => tdb.drop(), () => svc.stop().catch(() => {}));
  return { svc, tdb };
}

function fake(fetch: (req: Request) => Response | Promise<Response>): string {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
  cleanups.push(() => server.stop(true));
  return `http://127.0.0.1:${server.port}`;
}

/** Acknowledges every callback with its ID, always "new": a server that stores but never deduplicates. */
async function acksWithoutDedupe(req: Request): Promise<Response> {
  const body = (await req.json().catch(() => null)) as { Body?: { stkCallback?: { CheckoutRequestID?: string } } } | null;
  return Response.json({ ResultCode: 0, ResultDesc: "Accepted", CheckoutRequestID: body?.Body?.stkCallback?.CheckoutRequestID, outcome: "new" });
}

async function rowsWithPrefix(svc: Service, prefix: string): Promise<string[]> {
  const rows = await svc.db.sequelize.query<{ id: string }>(
    "SELECT checkout_request_id AS id FROM transactions WHERE checkout_request_id LIKE ?", { replacements: [`${prefix}%`], type: QueryTypes.SELECT });
  return rows.map((r) => r.id);
}

/** Simulated C2B payments and validation answers of a run: their TransIDs are the run's receipts (SIM<RUN>…). */
async function c2bRowsOfRun(svc: Service, runId: string): Promise<string[]> {
  const rows = await svc.db.sequelize.query<{ id: string }>(
    "SELECT trans_id AS id FROM c2b_payments WHERE trans_id LIKE ? UNION ALL SELECT trans_id AS id FROM c2b_validations WHERE trans_id LIKE ?",
    { replacements: [`SIM${runId.toUpperCase()}%`, `SIM${runId.toUpperCase()}%`], type: QueryTypes.SELECT });
  return rows.map((r) => r.id);
}

/** Simulated Result rows of a run: their key is the run's OriginatorConversationID (SIM-<run>-…). */
async function resultRowsOfRun(svc: Service, runId: string): Promise<string[]> {
  const rows = await svc.db.sequelize.query<{ id: string }>(
    "SELECT result_key AS id FROM daraja_results WHERE result_key LIKE ?", { replacements: [`${SIMULATED_RESULT_PREFIX}${runId}-%`], type: QueryTypes.SELECT });
  return rows.map((r) => r.id);
}

const SMOKE = ["root", "health", "success", "failed", "invalid", "timeout"];
const STORING = SCENARIO_NAMES.filter((n) => !["root", "health", "invalid", "spoof-wrong-token", "c2b-invalid", "result-invalid"].includes(n)); // a row each, at least

describe.each(await testDialects())("simulate against the real service on %s", (dialect) => {
  test("the smoke set passes (exit 0); the output is plain text with PASS per scenario", async () => {
    const { svc } = await service(dialect);
    const r = await simulate(["--url", svc.url]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    for (const name of SMOKE) expect(r.stdout).toMatch(new RegExp(`PASS ${name}\\s`));
    expect(r.stdout).toContain("6 passed, 0 failed");
    expect(r.stdout).not.toContain("\x1b["); // no colour codes in a log file
  });

  test("every scenario passes (--scenario all, or each named), and each run's rows carry a fresh, documented prefix", async () => {
    const { svc } = await service(dialect);
    const runs = [];
    for (const chosen of [["--scenario", "all"], SCENARIO_NAMES.flatMap((n) => ["--scenario", n])]) {
      const r = await simulate(["--url", svc.url, "--json", ...chosen]);
      expect(r.code).toBe(0);
      runs.push(JSON.parse(r.stdout) as { passed: boolean; runId: string; results: { name: string; passed: boolean; ids: string[] }[] });
    }
    const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(first.results.map((x) => [x.name, x.passed])).toEqual(SCENARIO_NAMES.map((n) => [n, true]));
    expect(first.runId).not.toBe(second.runId); // the second run passing "new" checks proves its IDs were unseen too
    const stored = [...(await rowsWithPrefix(svc, `${SIMULATED_PREFIX}${first.runId}`)), ...(await c2bRowsOfRun(svc, first.runId)), ...(await resultRowsOfRun(svc, first.runId))];
    expect(stored.sort()).toEqual(first.results.flatMap((x) => x.ids).sort());
    expect(first.results.filter((x) => x.ids.length > 0).map((x) => x.name)).toEqual(STORING);
  }, 60_000);

  test("c2b-validation-reject against a server with rules: rejected with the documented code, and says which", async () => {
    const tdb = await createTestDatabase(dialect);
    const svc = await startTestService(tdb, { MPESA_CB_C2B_VALIDATION: "rules", MPESA_CB_SHORTCODES: "600000" });
    cleanups.push(() => tdb.drop(), () => svc.stop().catch(() => {}));
    const r = await simulate(["--url", svc.url, "--scenario", "c2b-validation-reject", "--scenario", "c2b-validation-accept"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS c2b-validation-reject\s.*rejected with C2B00015 \(rule shortcode\)/);
  }, 30_000);

  test("load mode: unique success callbacks at a rate, each acknowledged and stored once", async () => {
    const { svc } = await service(dialect);
    const r = await simulate(["--url", svc.url, "--rate", "100", "--duration", "1s", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { runId: string; load: { sent: number; acknowledged: number; errors: number; latencyMs: Record<string, number> } };
    expect(report.load.sent).toBeGreaterThan(0);
    expect([report.load.acknowledged, report.load.errors]).toEqual([report.load.sent, 0]);
    expect(Object.keys(report.load.latencyMs)).toEqual(["p50", "p95", "p99", "max"]);
    expect((await rowsWithPrefix(svc, `${SIMULATED_PREFIX}${report.runId}`)).length).toBe(report.load.sent);
  });

  test("with the database gone, simulate fails and says which scenarios and why", async () => {
    const { svc, tdb } = await service(dialect);
    if (dialect === "sqlite") await svc.db.close();
    else await tdb.drop();
    const r = await simulate(["--url", svc.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/PASS root\s/);
    expect(r.stdout).toMatch(/FAIL health\s.*unhealthy: database down/);
    // Refused (503), or acknowledged from the spool: either way the smoke test must not pass, and says why.
    expect(r.stdout).toMatch(/FAIL success\s.*(expected 200, got 503 .*is its database up\?|"spooled".*database is unreachable)/);
  });
});

describe("simulate against broken servers", () => {
  test("a server answering 200 {} to everything fails every smoke scenario, each with why", async () => {
    const r = await simulate(["--url", fake(() => Response.json({}))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL root\s.*is --url an mpesa-cb server\?/);
    expect(r.stdout).toMatch(/FAIL health\s.*without a health report/);
    for (const name of ["success", "failed", "timeout"]) expect(r.stdout).toMatch(new RegExp(`FAIL ${name}\\s.*ResultCode is missing`));
    expect(r.stdout).toMatch(/FAIL invalid\s.*expected 400 \(rejected\), got 200/);
    expect(r.stdout).toContain("0 passed, 6 failed");
  });

  test("a server that takes any callback at any path and checks no source fails the spoof scenarios", async () => {
    const r = await simulate(["--url", fake(acksWithoutDedupe), "--scenario", "spoof-wrong-token,spoof-source"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL spoof-wrong-token\s.*expected 404 for a guessed path token, got 200/);
    // no /health security counters: it cannot tell, so it says so rather than failing
    expect(r.stdout).toMatch(/PASS spoof-source\s.*reports no source checks/);
  });

  test("a server that never deduplicates passes single callbacks but fails duplicate-burst and late-success", async () => {
    const r = await simulate(["--url", fake(acksWithoutDedupe), "--scenario", "success,duplicate-burst", "--scenario", "late-success", "--burst", "5"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/PASS success\s/);
    expect(r.stdout).toMatch(/FAIL duplicate-burst\s.*expected 1 "new" and 4 "duplicate" among 5 copies .*got 5× new/);
    expect(r.stdout).toMatch(/FAIL late-success\s.*outcome is "new", expected "late-success"/);
  });

  test("nothing listening: every scenario fails with connection refused", async () => {
    const r = await simulate(["--url", "http://127.0.0.1:1", "--scenario", "root,success"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL root\s.*connection refused/);
    expect(r.stdout).toMatch(/FAIL success\s.*connection refused/);
  });

  test("a load run against a server that does not store fails, counting why", async () => {
    const r = await simulate(["--url", fake(() => Response.json({})), "--rate", "50", "--duration", "500ms", "--json"]);
    expect(r.code).toBe(1);
    const { load } = JSON.parse(r.stdout) as { load: { sent: number; errors: number; errorKinds: Record<string, number>; firstProblem: string } };
    expect(load.errors).toBe(load.sent);
    expect(load.errorKinds).toEqual({ "200 but not an acknowledgement": load.sent });
    expect(load.firstProblem).toContain("ResultCode is missing");
  });
});

describe("simulate options", () => {
  test("--path and --token choose the callback path; the token is never printed", async () => {
    const paths: string[] = [];
    const url = fake((req) => (paths.push(new URL(req.url).pathname), acksWithoutDedupe(req)));
    const r = await simulate(["--url", url, "--path", "/payments/cb", "--token", "s3cr3t-t0ken", "--scenario", "success"]);
    expect(r.code).toBe(0);
    expect(paths).toEqual(["/payments/cb/s3cr3t-t0ken"]);
    expect(r.stdout).toContain("/payments/cb/***");
    expect(r.stdout + r.stderr).not.toContain("s3cr3t-t0ken");
  });

  test("a wrong --path against the real service fails with a hint to check it", async () => {
    const { svc } = await service("sqlite");
    const r = await simulate(["--url", svc.url, "--path", "/payments/cb", "--scenario", "success"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL success\s.*got 404 .*check --url and --path/);
  });

  test("--list names every scenario of the table, the smoke set marked", async () => {
    const r = await simulate(["--list"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([...SCENARIO_NAMES]);
    expect(lines.filter((l) => l.includes("[smoke]")).map((l) => l.split(/\s+/)[0])).toEqual(SMOKE);
    expect(SCENARIO_NAMES).toEqual([...SMOKE, "insufficient", "wrong-pin", "expired", "balance-no-value", "duplicate-burst", "late-success",
      "spoof-wrong-token", "spoof-source", "spoof-unsolicited",
      "c2b-validation-accept", "c2b-validation-reject", "c2b-confirmation", "c2b-duplicate", "c2b-invalid", "stk-c2b-same-receipt",
      "b2c-success", "b2c-failure", "b2c-timeout", "b2c-late-result", "status-result", "balance-result", "reversal-result", "result-invalid"]);
  });

  test.each([
    [["--scenario", "nope"], "unknown scenario: nope"],
    [["--rate", "0"], "--rate <n>' argument '0' is invalid"],
    [["--duration", "5s"], "--duration needs --rate"],
    [["--rate", "10", "--scenario", "success"], "does not take --scenario"],
    [["--url", "127.0.0.1:8000"], "is not an http:// or https:// URL"],
  ])("usage error %p exits 64 and says why", async (args, message) => {
    const r = await simulate(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
  });
});

describe("simulated callbacks", () => {
  test.each(stkFixtures.filter((f) => f.expected.httpStatus === 200).map((f) => [f.name, f.expected] as const))(
    "%s with fresh IDs parses as the fixture does, with the simulated IDs", (name, expected) => {
      const ids = createIdSource().next();
      const json = parseJson(freshCallback(name, ids));
      const parsed = json.ok ? parseStkCallback(json.value) : json;
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      expect(parsed.value.checkoutRequestId).toBe(ids.checkoutRequestId);
      expect(parsed.value.checkoutRequestId.startsWith(SIMULATED_PREFIX)).toBe(true);
      expect(parsed.value.status).toBe(expected.status!);
      expect(parsed.value.receipt).toBe(expected.receipt === null ? null : ids.receipt);
    });

  test("IDs never repeat within a run or across runs", () => {
    const a = createIdSource();
    const b = createIdSource();
    const all = [...Array.from({ length: 1000 }, () => a.next()), ...Array.from({ length: 1000 }, () => b.next())];
    expect(new Set(all.map((x) => x.checkoutRequestId)).size).toBe(2000);
    expect(new Set(all.map((x) => x.receipt)).size).toBe(2000);
  });

  test.each([
    { label: "the median of 5", values: [5, 1, 4, 2, 3], p: 50, expected: 3 },
    { label: "the top of 5", values: [5, 1, 4, 2, 3], p: 100, expected: 5 },
    { label: "any of 1", values: [7], p: 99, expected: 7 },
    { label: "p95 of 1..100", values: Array.from({ length: 100 }, (_, i) => i + 1), p: 95, expected: 95 },
  ])("percentile: $label", ({ values, p, expected }) => {
    expect(percentile(Float64Array.from(values).sort(), p)).toBe(expected);
  });
});
