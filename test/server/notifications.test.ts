// Through HTTP: callbacks to the real service queue Telegram messages that a fake Bot API receives once each.
// It needs the notifier wired into src/server/service.ts; until then it is not named *.test.ts, so bun test leaves it out.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/outbox.ts";
import type { Service } from "../../src/server/service.ts";

const TOKEN = "5151:HTTP-test_token";
const ADMIN = "-100515151";
const PAYER = "515151515"; // successBody pays from 254700000001
const fake = FakeTelegram.start(TOKEN);
afterAll(() => fake.stop());
const env = () => ({ TELEGRAM_BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot });

describe.each(await testDialects())("notifications through serve on %s", (dialect) => {
  const running: Service[] = [];
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    await tdb?.drop();
    tdb = undefined;
    fake.delivered.length = 0;
    fake.mode = "ok";
    fake.restart();
  });
  const start = async () => {
    tdb ??= await createTestDatabase(dialect);
    const service = await startTestService(tdb, env());
    running.push(service);
    return service;
  };
  const addPayer = (s: Service) => s.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '254700000001', 'Wanjiru <&>')", { replacements: [PAYER] });
  const settled = (s: Service, n: number) => waitFor(async () => {
    const [row] = await s.db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM notifications WHERE status = 'sent'", { type: QueryTypes.SELECT });
    return Number(row?.n) === n;
  }, `${n} sent notifications`);

  test("a success and a failure: an alert each, one receipt; /health reports Telegram and the outbox", async () => {
    const s = await start();
    await addPayer(s);
    const [a, b] = [uniqueId(), uniqueId()];
    expect((await postCallback(s, successBody(a, `R${a.slice(-9)}`))).status).toBe(200);
    expect((await postCallback(s, failureBody(b))).status).toBe(200);
    await settled(s, 3);
    expect(fake.delivered.map((d) => d.chatId).sort()).toEqual([ADMIN, ADMIN, PAYER].sort());
    expect(fake.deliveredTo(PAYER)[0]?.text).toContain("Hello Wanjiru &lt;&amp;&gt;, thank you");
    const health = (await (await fetch(`${s.url}/health`)).json()) as Record<string, unknown>;
    expect([health.telegram, health.outbox]).toEqual([{ status: "up" }, { pending: 0, oldestPendingAgeSeconds: null, failed: 0 }]);
  });

  test("20 copies of a success at once, split between two serve processes: one alert, one receipt", async () => {
    const [s1, s2] = [await start(), await start()];
    await addPayer(s1);
    const id = uniqueId();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => postCallback(i % 2 ? s1 : s2, successBody(id, `R${id.slice(-9)}`))));
    expect(answers.map((r) => r.status)).toEqual(new Array(20).fill(200));
    await settled(s1, 2);
    await Promise.all(running.splice(0).map((s) => s.stop())); // nothing in flight any more
    expect(fake.delivered.map((d) => d.chatId).sort()).toEqual([ADMIN, PAYER].sort());
  });

  test("serve stopped with messages pending and started again: delivered once", async () => {
    await fake.stop();
    const s = await start();
    const id = uniqueId();
    expect((await postCallback(s, failureBody(id))).status).toBe(200);
    const health = (await (await fetch(`${s.url}/health`)).json()) as { status: string; telegram: { status: string } };
    expect([health.status, health.telegram.status]).toEqual(["degraded", "down"]);
    await waitFor(async () => (await s.db.sequelize.query<{ a: number }>("SELECT attempts AS a FROM notifications", { type: QueryTypes.SELECT }))[0]?.a === 1, "a refused attempt");
    await s.stop();
    running.splice(0);
    fake.restart();
    const again = await start();
    await settled(again, 1);
    expect(fake.delivered.map((d) => d.chatId)).toEqual([ADMIN]);
  });
});
