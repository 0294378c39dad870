// README: "Telegram is never in the request path". With the Bot API hanging (the fake accepts the connection and
// never answers), a send is in flight in the notifier, and callbacks are still stored and answered at once: far
// sooner than the notifier's send timeout (10 s by default) that a request path through Telegram would wait out
// (SQLite and MariaDB).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";
import type { Service } from "../../src/server/service.ts";

const BOT_TOKEN = "666:telegram-hangs";
const ADMIN = "-100666";
const PROMPT_MS = 5_000; // half the default send timeout: generous for a busy machine, far below a Telegram wait

describe.each(await testDialects())("Telegram hanging, on %s", (dialect) => {
  let tdb: TestDatabase;
  let fake: FakeTelegram;
  let service: Service;
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    fake = FakeTelegram.start(BOT_TOKEN);
    fake.mode = "hang";
    service = await startTestService(tdb, { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot });
  });
  afterEach(async () => {
    await fake.stop(); // answers the hung sends, so that the notifier stops at once
    await service.stop();
    await tdb.drop();
  });

  test("callbacks are stored and answered promptly while a send to Telegram hangs", async () => {
    const first = uniqueId("ws_CO_HANG");
    expect((await postCallback(service, successBody(first, `H${first.slice(-9)}`))).status).toBe(200);
    await waitFor(() => fake.answered.includes("hang"), { what: "the notifier's send to hang at the fake Bot API", timeoutMs: 30_000 });

    const ids = Array.from({ length: 10 }, (_, i) => uniqueId(`ws_CO_HANG${i}`));
    const timings: number[] = [];
    for (const [i, id] of ids.entries()) {
      const started = performance.now();
      const res = await postCallback(service, i % 2 === 0 ? successBody(id, `H${id.slice(-9)}`) : failureBody(id));
      timings.push(performance.now() - started);
      expect(res.status).toBe(200);
    }
    expect(fake.delivered).toEqual([]); // Telegram answered nothing all along…
    expect(fake.answered.every((a) => a === "hang")).toBe(true);
    expect(Math.max(...timings)).toBeLessThan(PROMPT_MS); // …and no callback waited for it
    const stored = await service.db.sequelize.query<{ id: string }>("SELECT checkout_request_id AS id FROM transactions WHERE checkout_request_id LIKE 'ws_CO_HANG%'", { type: QueryTypes.SELECT });
    expect(stored.length).toBe(11);
    const pending = await service.db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM notifications WHERE status = 'pending'", { type: QueryTypes.SELECT });
    expect(Number(pending[0]?.n)).toBe(11); // one admin alert each, waiting in the outbox
  }, 60_000);
});
