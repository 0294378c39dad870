// README: a success whose amount or phone does not agree with our `payment_requests` row gets verdict `mismatch`:
// "no customer receipt, the admin alert says so". The alert Telegram (the fake Bot API) receives carries the check
// line; a matching payment's alert says it matches, and only that payer gets a receipt (SQLite and MariaDB).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";
import type { Service } from "../../src/server/service.ts";

const BOT_TOKEN = "555:admin-alert-mismatch";
const ADMIN = "-100555";
const PAYER_CHAT = "555000111";
const PHONE = "254700000001"; // the phone successBody() reports

describe.each(await testDialects())("the admin alert's check line on %s", (dialect) => {
  let tdb: TestDatabase;
  let fake: FakeTelegram;
  let service: Service;
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    fake = FakeTelegram.start(BOT_TOKEN);
    service = await startTestService(tdb, { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot });
    await service.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, ?, 'Wanjiru')", { replacements: [PAYER_CHAT, PHONE] });
  });
  afterEach(async () => {
    await service.stop();
    await fake.stop();
    await tdb.drop();
  });

  const request = (id: string, amount: string) =>
    service.db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount) VALUES (?, ?, ?)", { replacements: [id, PHONE, amount] });
  const alertFor = (id: string) => fake.deliveredTo(ADMIN).find((d) => d.text.includes(id));

  test("a success for less than we asked: the alert says it does not match, and no receipt is sent", async () => {
    const forged = uniqueId("ws_CO_MIS");
    const good = uniqueId("ws_CO_MAT");
    await request(forged, "1500.00");
    await request(good, "1500.00");
    expect((await postCallback(service, successBody(forged, `F${forged.slice(-9)}`, 15.0))).status).toBe(200); // KES 15 for a KES 1,500 request
    expect((await postCallback(service, successBody(good, `G${good.slice(-9)}`, 1500.0))).status).toBe(200);
    await waitFor(() => alertFor(forged) !== undefined && alertFor(good) !== undefined && fake.deliveredTo(PAYER_CHAT).length >= 1,
      { what: "both admin alerts and the matching payment's receipt", timeoutMs: 30_000 });

    expect(alertFor(forged)?.text).toContain("Check: DOES NOT MATCH our payment request (amount or phone): no receipt sent, check before delivering");
    expect(alertFor(forged)?.text).toContain("KES 15.00");
    expect(alertFor(good)?.text).toContain("Check: matches our payment request");
    expect(alertFor(good)?.text).not.toContain("DOES NOT MATCH");
    // The payer gets exactly one receipt: the matching payment's (the forged one's receipt number never reaches them).
    const receipts = fake.deliveredTo(PAYER_CHAT);
    expect(receipts.map((r) => r.text.includes(`G${good.slice(-9)}`))).toEqual([true]);
    const notQueued = await service.db.sequelize.query("SELECT n.id FROM notifications n JOIN transactions t ON t.id = n.transaction_id WHERE t.checkout_request_id = ? AND n.notification_type = 'receipt'",
      { replacements: [forged] });
    expect(notQueued[0]).toEqual([]);
  }, 60_000);
});
