// README ("Simulated data is marked"): the SQL it prints to find or remove simulated rows is run exactly as printed
// (read from README.md) after a real `simulate` run against a server with Telegram alerts on: every simulated row
// is gone from transactions, notifications and callback_logs, nothing is left pointing at a removed payment, and
// the real rows stay (SQLite and MariaDB).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import type { Service } from "../../src/server/service.ts";

const root = resolve(import.meta.dir, "../..");
const BOT_TOKEN = "888:simulated-rows";
const SCENARIOS = "root,health,success,failed,invalid,timeout,insufficient,wrong-pin,expired,balance-no-value,duplicate-burst,late-success";

/** The README's ```sql block about simulated rows, as statements, exactly as printed. */
function readmeStatements(): string[] {
  const readme = readFileSync(resolve(root, "README.md"), "utf8");
  const block = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] as string).find((b) => b.includes("ws_CO_SIM"));
  if (block === undefined) throw new Error("README.md has no ```sql block about ws_CO_SIM rows");
  return block.split(/;\s*\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

describe.each(await testDialects())("the README's SQL for simulated rows on %s", (dialect) => {
  let tdb: TestDatabase;
  let fake: FakeTelegram;
  let service: Service;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    fake = FakeTelegram.start(BOT_TOKEN);
    service = await startTestService(tdb, { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: "-100888", TELEGRAM_API_ROOT: fake.apiRoot });
  });
  afterAll(async () => {
    await service.stop();
    await fake.stop();
    await tdb.drop();
  });

  const count = async (sql: string, replacements: unknown[] = []) =>
    Number((await service.db.sequelize.query<{ n: number }>(sql, { replacements, type: QueryTypes.SELECT }))[0]?.n);
  const simulated = {
    transactions: () => count("SELECT COUNT(*) AS n FROM transactions WHERE checkout_request_id LIKE 'ws_CO_SIM%'"),
    notifications: () => count("SELECT COUNT(*) AS n FROM notifications n JOIN transactions t ON t.id = n.transaction_id WHERE t.checkout_request_id LIKE 'ws_CO_SIM%'"),
    logs: () => count("SELECT COUNT(*) AS n FROM callback_logs WHERE checkout_request_id LIKE 'ws_CO_SIM%' OR raw_payload LIKE '%SIM-%'"),
  };

  test("after a simulate run, it removes every simulated row and keeps the real ones", async () => {
    const real = { paid: uniqueId("ws_CO_REAL"), cancelled: uniqueId("ws_CO_REAL") };
    expect((await postCallback(service, successBody(real.paid, `R${real.paid.slice(-9)}`))).status).toBe(200);
    expect((await postCallback(service, failureBody(real.cancelled))).status).toBe(200);
    expect((await postCallback(service, JSON.stringify({ Body: { stkCallback: { MerchantRequestID: "real-merchant-1" } } }))).status).toBe(400);

    // Not spawnSync: the server runs in this process and must keep answering.
    const sim = Bun.spawn([process.execPath, resolve(root, "src/cli/main.ts"), "simulate", "--url", service.url, "--scenario", SCENARIOS], { cwd: root, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    const [code, out, err] = await Promise.all([sim.exited, new Response(sim.stdout).text(), new Response(sim.stderr).text()]);
    expect([code, err]).toEqual([0, ""]);
    expect(out).toContain("12 passed, 0 failed");
    expect(await simulated.transactions()).toBeGreaterThan(5);
    expect(await simulated.notifications()).toBeGreaterThan(5); // admin alerts and the late-success conflict alert
    expect(await simulated.logs()).toBeGreaterThan(await simulated.transactions()); // duplicates and the invalid one too
    const realLogs = await count("SELECT COUNT(*) AS n FROM callback_logs WHERE checkout_request_id LIKE 'ws_CO_REAL%' OR raw_payload LIKE '%real-merchant-1%'");
    const realNotifications = await count("SELECT COUNT(*) AS n FROM notifications n JOIN transactions t ON t.id = n.transaction_id WHERE t.checkout_request_id LIKE 'ws_CO_REAL%'");
    expect([realLogs, realNotifications]).toEqual([3, 2]);

    const statements = readmeStatements();
    expect(statements[0]).toStartWith("SELECT"); // to find them; then the removals
    expect(statements.slice(1).every((s) => s.startsWith("DELETE"))).toBe(true);
    expect(statements.length).toBeGreaterThanOrEqual(2);
    const [find, ...removals] = statements as [string, ...string[]];
    const found = await service.db.sequelize.query<{ checkout_request_id: string }>(find, { type: QueryTypes.SELECT });
    expect(found.length).toBe(await simulated.transactions());
    expect(found.every((r) => r.checkout_request_id.startsWith("ws_CO_SIM"))).toBe(true);
    for (const sql of removals) await service.db.sequelize.query(sql); // as printed; a refusal (a foreign key) fails the test

    expect([await simulated.transactions(), await simulated.notifications(), await simulated.logs()]).toEqual([0, 0, 0]);
    expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE transaction_id IS NOT NULL AND transaction_id NOT IN (SELECT id FROM transactions)")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM transactions WHERE checkout_request_id IN (?, ?)", [real.paid, real.cancelled])).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM callback_logs WHERE checkout_request_id LIKE 'ws_CO_REAL%' OR raw_payload LIKE '%real-merchant-1%'")).toBe(realLogs);
    expect(await count("SELECT COUNT(*) AS n FROM notifications n JOIN transactions t ON t.id = n.transaction_id WHERE t.checkout_request_id LIKE 'ws_CO_REAL%'")).toBe(realNotifications);
  }, 120_000);
});
