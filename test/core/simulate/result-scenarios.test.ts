// The Result-family simulate scenarios: their bodies (fresh, marked simulated, parsed as the fixtures are), and every
// scenario run against the real service (SQLite and MariaDB): each passes, each leaves the documented row, and none
// touches the balances a real account has. Against servers that get it wrong, each fails and says why.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { resultFixtures } from "../../../src/core/daraja/result/fixtures.ts";
import { parseResult, parseTimeout } from "../../../src/core/daraja/result/parse-result.ts";
import { createIdSource } from "../../../src/core/simulate/ids.ts";
import type { Target } from "../../../src/core/simulate/http.ts";
import { freshResult, RESULT_SCENARIOS, SIMULATED_RESULT_PREFIX, simResultIds } from "../../../src/core/simulate/result-scenarios.ts";
import { runScenarios } from "../../../src/core/simulate/runner.ts";
import { pickScenarios, SCENARIO_NAMES } from "../../../src/core/simulate/scenarios.ts";
import type { Service } from "../../../src/server/service.ts";
import { createTestDatabase, testDialects } from "../../support/databases.ts";
import { startTestService } from "../../support/service.ts";

const NAMES = ["b2c-success", "b2c-failure", "b2c-timeout", "b2c-late-result", "status-result", "balance-result", "reversal-result", "result-invalid"];
const TOKEN = "result-scenarios-token-0123";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function targetOf(url: string, pathToken?: string): Target {
  return { baseUrl: url, callbackPath: pathToken === undefined ? "/mpesa/callback" : `/mpesa/callback/${pathToken}`, timeoutMs: 10_000, ...(pathToken === undefined ? {} : { pathToken }) };
}

async function run(target: Target, names = NAMES) {
  const ids = createIdSource();
  const results = await runScenarios({ target, ids, burst: 5 }, RESULT_SCENARIOS.filter((s) => names.includes(s.name)));
  return { runId: ids.runId, results };
}

function fake(fetch: (req: Request) => Response | Promise<Response>): string {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
  cleanups.push(() => server.stop(true));
  return `http://127.0.0.1:${server.port}`;
}

describe("the Result scenarios' table", () => {
  test("all eight are registered, in order, after the C2B ones, and --scenario all runs them", () => {
    expect(RESULT_SCENARIOS.map((s) => s.name)).toEqual(NAMES);
    expect(SCENARIO_NAMES.slice(-NAMES.length)).toEqual(NAMES);
    expect(pickScenarios(["all"]).chosen.map((s) => s.name)).toEqual(expect.arrayContaining(NAMES));
    expect(RESULT_SCENARIOS.every((s) => !s.smoke)).toBe(true); // the default smoke set stays the STK one
  });
});

describe("simulated Result bodies", () => {
  const used = ["b2c_result_success", "b2c_result_failure_2040_unregistered", "b2c_queue_timeout", "b2c_queue_timeout_request_echo",
    "transaction_status_result", "account_balance_result", "reversal_result"];

  test.each(used)("%s with fresh ids parses as the fixture does, keyed by the simulated id, nothing real-looking left", (name) => {
    const fixture = resultFixtures.find((f) => f.name === name)!;
    const sim = simResultIds(createIdSource().next());
    const body = JSON.parse(freshResult(name, sim)) as unknown;
    const parsed = fixture.route === "result" ? parseResult(fixture.api, body) : parseTimeout(fixture.api, body);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const r = parsed.value;
    const expected = fixture.expected as Exclude<typeof fixture.expected, { rejected: string[] }>;
    expect(r.originatorConversationId).toBe(sim.originatorConversationId);
    expect(r.originatorConversationId!.startsWith(SIMULATED_RESULT_PREFIX)).toBe(true);
    expect(r.conversationId).toBe(expected.conversationId === null ? null : sim.conversationId);
    expect([r.status, r.resultCode, r.amountCents]).toEqual([expected.status, expected.resultCode, expected.amountCents]);
    // A real receipt becomes ours; Daraja's placeholder on failures stays what Daraja sends.
    expect(r.transactionId).toBe(expected.transactionId === null || expected.transactionId === "FAKE000000" ? expected.transactionId : sim.receipt);
    expect(r.warnings).toEqual([]);
    // Nothing that a low-balance check or a reader of account_balances could take for the business's money.
    expect(r.b2cBalances).toBeNull();
    expect(r.accounts.every((a) => a.name.startsWith("SIMULATED "))).toBe(true);
    expect(JSON.stringify(r.parameters)).not.toMatch(/(?<!SIMULATED )(Utility|Working) Account|TEST |FAKE0|myapp-|fake-/);
    for (const party of [r.creditParty, r.debitParty]) if (party?.includes(" - ")) expect(party).toEndWith(" - SIMULATED");
  });

  test("the balance result keeps every account, renamed", () => {
    const sim = simResultIds(createIdSource().next());
    const parsed = parseResult("balance", JSON.parse(freshResult("account_balance_result", sim)));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.value.accounts.map((a) => [a.name, a.availableCents])).toEqual([
      ["SIMULATED Working Account", 15_000_000], ["SIMULATED Float Account", 0], ["SIMULATED Utility Account", 9_850_000],
      ["SIMULATED Charges Paid Account", -3300], ["SIMULATED Organization Settlement Account", 0]]);
  });

  test("the invalid body has the ids at the top level and no Result: refused naming Result", () => {
    const sim = simResultIds(createIdSource().next());
    const body = JSON.parse(freshResult("result_missing_result_key", sim)) as Record<string, unknown>;
    expect(body.OriginatorConversationID).toBe(sim.originatorConversationId);
    const parsed = parseResult("b2c", body);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toEqual(["Result"]);
  });

  test("ids never repeat within a run or across runs, and fit their columns", () => {
    const all = [createIdSource(), createIdSource()].flatMap((s) => Array.from({ length: 1000 }, () => simResultIds(s.next())));
    for (const k of ["originatorConversationId", "conversationId", "receipt"] as const) expect(new Set(all.map((x) => x[k])).size).toBe(2000);
    expect(all.every((x) => x.originatorConversationId.length <= 100 && x.conversationId.length <= 100 && x.receipt.length <= 30)).toBe(true);
    expect(all.every((x) => x.conversationId.startsWith("AG_SIM_") && x.receipt.startsWith("SIM"))).toBe(true);
  });
});

interface Row { result_key: string; api: string; status: string; superseded_status: string | null; amount: string | number | null; transaction_id: string | null }

async function rowsOfRun(svc: Service, runId: string): Promise<Row[]> {
  return svc.db.sequelize.query<Row>(
    "SELECT result_key, api, status, superseded_status, amount, transaction_id FROM daraja_results WHERE result_key LIKE ? ORDER BY id",
    { replacements: [`${SIMULATED_RESULT_PREFIX}${runId}-%`], type: QueryTypes.SELECT });
}

describe.each(await testDialects())("the Result scenarios against the real service on %s", (dialect) => {
  async function service(env: Record<string, string> = {}): Promise<Service> {
    const tdb = await createTestDatabase(dialect);
    const svc = await startTestService(tdb, env);
    cleanups.push(() => tdb.drop(), () => svc.stop().catch(() => {}));
    return svc;
  }

  test("every one passes behind a path token, leaves its row, and moves no real balance", async () => {
    const svc = await service({ MPESA_CB_CALLBACK_TOKENS: TOKEN, MPESA_CB_LOW_BALANCE_KES: "99999999" });
    const { runId, results } = await run(targetOf(svc.url, TOKEN));
    expect(results.map((r) => [r.name, r.passed, r.passed ? "" : r.detail])).toEqual(NAMES.map((n) => [n, true, ""]));
    const rows = await rowsOfRun(svc, runId);
    expect(rows.map((r) => r.result_key).sort()).toEqual(results.flatMap((r) => r.ids).sort());
    const byKey = new Map(rows.map((r) => [r.result_key, r]));
    const rowOf = (name: string) => byKey.get(results.find((r) => r.name === name)!.ids[0]!)!;
    const seen = (r: Row) => [r.api, r.status, r.superseded_status, r.amount === null ? null : Number(r.amount)];
    expect(NAMES.filter((n) => n !== "result-invalid").map((n) => [n, ...seen(rowOf(n))])).toEqual([
      ["b2c-success", "b2c", "Success", null, 500],
      ["b2c-failure", "b2c", "Failed", null, null],
      ["b2c-timeout", "b2c", "Timeout", null, null],
      ["b2c-late-result", "b2c", "Success", "Timeout", 500],
      ["status-result", "status", "Success", null, 1500],
      ["balance-result", "balance", "Success", null, null],
      ["reversal-result", "reversal", "Success", null, 1500],
    ]);
    expect(rowOf("b2c-success").transaction_id).toStartWith(`SIM${runId.toUpperCase()}`);
    const count = async (sql: string) => Number((await svc.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT }))[0]?.n);
    // The balance result's five accounts, all marked; the watched accounts never touched, even with a threshold set.
    expect(await count("SELECT COUNT(*) AS n FROM account_balances WHERE account_type LIKE 'SIMULATED %'")).toBe(5);
    expect(await count("SELECT COUNT(*) AS n FROM account_balances WHERE account_type NOT LIKE 'SIMULATED %'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM low_balance_state")).toBe(0);
    // The rejected one is kept in callback_logs, findable by its simulated id.
    expect(await count(`SELECT COUNT(*) AS n FROM callback_logs WHERE outcome = 'rejected' AND raw_payload LIKE '%"OriginatorConversationID":"${SIMULATED_RESULT_PREFIX}${runId}-%'`)).toBe(1);
  }, 60_000);

  test("a second run passes too: its ids are fresh, never \"duplicate\"", async () => {
    const svc = await service();
    const first = await run(targetOf(svc.url));
    const second = await run(targetOf(svc.url));
    expect([...first.results, ...second.results].filter((r) => !r.passed)).toEqual([]);
    expect(second.runId).not.toBe(first.runId);
  }, 60_000);
});

describe("the Result scenarios against servers that get it wrong", () => {
  test("without the path token the routes are 404: each fails and says the token may be missing", async () => {
    const tdb = await createTestDatabase("sqlite");
    const svc = await startTestService(tdb, { MPESA_CB_CALLBACK_TOKENS: TOKEN });
    cleanups.push(() => tdb.drop(), () => svc.stop().catch(() => {}));
    const { results } = await run(targetOf(svc.url), ["b2c-success", "b2c-late-result"]);
    for (const r of results) expect([r.passed, r.detail]).toEqual([false, expect.stringMatching(/got 404 .*path token missing\? \(--token\)/)]);
  });

  test("a server that acknowledges every copy as new fails b2c-late-result; one that accepts anything fails result-invalid", async () => {
    const url = fake(async (req) => {
      const body = (await req.json()) as { Result?: { OriginatorConversationID?: string }; OriginatorConversationID?: string };
      return Response.json({ ResultCode: 0, ResultDesc: "Accepted", OriginatorConversationID: body.Result?.OriginatorConversationID ?? body.OriginatorConversationID, outcome: "new" });
    });
    const { results } = await run(targetOf(url));
    expect(results.filter((r) => !r.passed).map((r) => r.name)).toEqual(["b2c-late-result", "result-invalid"]);
    expect(results.find((r) => r.name === "b2c-late-result")!.detail).toMatch(/the success after the timeout: .*"outcome":"late-result".*got 200 .*"outcome":"new"/);
    expect(results.find((r) => r.name === "result-invalid")!.detail).toMatch(/expected 400 \(rejected\), got 200/);
  });

  test("a server answering 503 fails each with the hint to check its database", async () => {
    const { results } = await run(targetOf(fake(() => Response.json({ ResultCode: 1 }, { status: 503 }))), ["b2c-success", "balance-result"]);
    for (const r of results) expect([r.passed, r.detail]).toEqual([false, expect.stringMatching(/expected 200, got 503 .*is its database up\?/)]);
  });
});
