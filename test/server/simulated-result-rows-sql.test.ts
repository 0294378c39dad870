// README ("Simulated data is marked"), for the Result families: after the Result simulate scenarios ran against a
// server with admin alerts on, the README's SQL, run exactly as printed, removes every simulated daraja_results row,
// its account_balances and notifications rows and its callback_logs rows, and keeps the real ones (SQLite and MariaDB).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { QueryTypes } from "sequelize";
import { resultFixtures } from "../../src/core/daraja/result/fixtures.ts";
import { createIdSource } from "../../src/core/simulate/ids.ts";
import { RESULT_SCENARIOS } from "../../src/core/simulate/result-scenarios.ts";
import { runScenarios } from "../../src/core/simulate/runner.ts";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { startTestService } from "../support/service.ts";

const root = resolve(import.meta.dir, "../..");
const BOT_TOKEN = "889:simulated-result-rows";
const REAL = ["b2c_result_success", "account_balance_result", "b2c_queue_timeout"]; // keys myapp-…, fake-…

/** The README's ```sql block about simulated rows, as statements, exactly as printed. */
function readmeStatements(): string[] {
  const readme = readFileSync(resolve(root, "README.md"), "utf8");
  const block = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] as string).find((b) => b.includes("ws_CO_SIM"));
  if (block === undefined) throw new Error("README.md has no ```sql block about ws_CO_SIM rows");
  return block.split(/;\s*\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

describe.each(await testDialects())("the README's SQL for simulated Result rows on %s", (dialect) => {
  let tdb: TestDatabase;
  let fake: FakeTelegram;
  let service: Service;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    fake = FakeTelegram.start(BOT_TOKEN);
    service = await startTestService(tdb, { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: "-100889", TELEGRAM_API_ROOT: fake.apiRoot, MPESA_CB_LOW_BALANCE_KES: "200000" });
  });
  afterAll(async () => {
    await service.stop();
    await fake.stop();
    await tdb.drop();
  });

  const count = async (sql: string) => Number((await service.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT }))[0]?.n);
  const rowsOf = (where: string) => ({
    results: () => count(`SELECT COUNT(*) AS n FROM daraja_results r WHERE ${where}`),
    balances: () => count(`SELECT COUNT(*) AS n FROM account_balances b JOIN daraja_results r ON r.id = b.daraja_result_id WHERE ${where}`),
    notifications: () => count(`SELECT COUNT(*) AS n FROM notifications n JOIN daraja_results r ON r.id = n.daraja_result_id WHERE ${where}`),
  });
  const simulated = rowsOf("r.result_key LIKE 'SIM-%'");
  const real = rowsOf("r.result_key NOT LIKE 'SIM-%'");
  const simulatedLogs = () => count(`SELECT COUNT(*) AS n FROM callback_logs WHERE raw_payload LIKE '%"OriginatorConversationID":"SIM-%'`);
  const allLogs = () => count("SELECT COUNT(*) AS n FROM callback_logs");
  const counts = async (r: ReturnType<typeof rowsOf>) => [await r.results(), await r.balances(), await r.notifications()];

  test("after the Result scenarios, it removes every simulated row and keeps the real ones", async () => {
    for (const name of REAL) {
      const f = resultFixtures.find((x) => x.name === name)!;
      const res = await fetch(`${service.url}/${f.route}s/${f.api}`, { method: "POST", body: f.body, headers: { "content-type": "application/json" } });
      expect([name, res.status]).toEqual([name, 200]);
    }
    const ids = createIdSource();
    const results = await runScenarios({ target: { baseUrl: service.url, callbackPath: "/mpesa/callback", timeoutMs: 10_000 }, ids, burst: 5 }, RESULT_SCENARIOS);
    expect(results.filter((r) => !r.passed)).toEqual([]);

    const realBefore = await counts(real);
    expect(realBefore[0]).toBe(3);
    expect(realBefore[1]).toBe(8); // the balance result's 5 accounts and the B2C result's 3
    expect(realBefore[2]).toBeGreaterThanOrEqual(4); // a status alert each, and the low-balance alert
    const simulatedBefore = await counts(simulated);
    expect(simulatedBefore).toEqual([7, 5, expect.any(Number)]); // 7 requests (the invalid one has no row); SIMULATED … accounts
    expect(simulatedBefore[2]).toBeGreaterThanOrEqual(8); // a status alert each, the late result's, the unsolicited payouts'
    expect(await simulatedLogs()).toBe(9); // 8 scenarios, b2c-late-result posting twice
    const realLogs = (await allLogs()) - 9;
    expect(realLogs).toBe(REAL.length);

    const [, ...removals] = readmeStatements();
    for (const sql of removals) await service.db.sequelize.query(sql); // as printed; a refusal fails the test

    expect(await counts(simulated)).toEqual([0, 0, 0]);
    expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE daraja_result_id IS NOT NULL AND daraja_result_id NOT IN (SELECT id FROM daraja_results)")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM account_balances WHERE daraja_result_id NOT IN (SELECT id FROM daraja_results)")).toBe(0);
    expect(await simulatedLogs()).toBe(0);
    expect(await counts(real)).toEqual(realBefore);
    expect(await allLogs()).toBe(realLogs);
  }, 60_000);
});
