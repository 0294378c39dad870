// Issue 7 end to end through serve: with confirmation on, a success that matches our request waits for Daraja;
// the receipt goes out only once Daraja verifies it, and never for a success Daraja contradicts.
import { afterAll, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { FakeDaraja } from "../support/fake-daraja.ts";
import { waitFor } from "../support/outbox.ts";
import type { Service } from "../../src/server/service.ts";

const TOKEN = "7171:confirm-test_token";
const ADMIN = "-100717171";
const PAYER = "717171717";
const telegram = FakeTelegram.start(TOKEN);
const daraja = FakeDaraja.start();
let tdb: TestDatabase | undefined;
let service: Service | undefined;
afterAll(async () => {
  await service?.stop();
  await tdb?.drop();
  telegram.stop();
  daraja.stop();
});

const PATH_TOKEN = "confirm-path-token-0123456789";

test("all defences together: token + listed source + matching amount + Daraja verified → receipt; Daraja says cancelled → mismatch, admin alerts only (the payment's and Daraja's contradiction)", async () => {
  tdb = await createTestDatabase("sqlite");
  service = await startTestService(tdb, {
    TELEGRAM_BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: telegram.apiRoot,
    MPESA_CB_CONFIRM: "on", MPESA_API_ROOT: daraja.apiRoot, MPESA_CONSUMER_KEY: daraja.creds.consumerKey,
    MPESA_CONSUMER_SECRET: daraja.creds.consumerSecret, MPESA_SHORTCODE: "174379", MPESA_PASSKEY: "test-passkey-123",
    MPESA_CB_CONFIRM_FIRST_DELAY_MS: "0",
    MPESA_CB_CALLBACK_TOKENS: PATH_TOKEN, MPESA_CB_SOURCE_IP_MODE: "enforce", // loopback is a trusted proxy by default
  });
  const s = service;
  await s.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '254700000001', 'Akinyi')", { replacements: [PAYER] });
  const [good, forged] = [uniqueId(), uniqueId()];
  for (const id of [good, forged]) {
    await s.db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount, user_id) VALUES (?, '254700000001', 1500.00, (SELECT id FROM users WHERE telegram_chat_id = ?))", { replacements: [id, PAYER] });
  }
  daraja.script(good, "pending4999", "success");
  daraja.script(forged, "cancelled");
  const post = (id: string, headers: Record<string, string>) =>
    fetch(`${s.url}/mpesa/callback/${PATH_TOKEN}`, { method: "POST", body: successBody(id, `C${id.slice(-9)}`), headers: { "content-type": "application/json", ...headers } });
  const fromSafaricom = { "x-forwarded-for": "196.201.212.69" };
  expect((await post(uniqueId(), { "x-forwarded-for": "203.0.113.50" })).status).toBe(403); // the same, from elsewhere
  expect((await postCallback(s, successBody(good, `C${good.slice(-9)}`))).status).toBe(404); // the plain path
  for (const id of [good, forged]) expect((await post(id, fromSafaricom)).status).toBe(200);

  const verdicts = async () => new Map((await s.db.sequelize.query<{ id: string; verdict: string }>(
    "SELECT checkout_request_id AS id, verdict FROM transactions WHERE checkout_request_id IN (?, ?)", { replacements: [good, forged], type: QueryTypes.SELECT })).map((r) => [r.id, r.verdict]));
  await waitFor(async () => (await verdicts()).get(forged) === "mismatch" && (await verdicts()).get(good) === "verified", "both verdicts");
  // Two payment alerts, and the alert that Daraja contradicts the forged one (queued with its verdict).
  await waitFor(async () => telegram.deliveredTo(PAYER).length === 1 && telegram.deliveredTo(ADMIN).length === 3, "the receipt and three alerts");
  await Bun.sleep(300); // nothing more may arrive
  expect(telegram.deliveredTo(PAYER).map((d) => d.text.includes(`C${good.slice(-9)}`))).toEqual([true]);
  expect(telegram.deliveredTo(ADMIN).length).toBe(3);
  expect(telegram.deliveredTo(ADMIN).filter((d) => d.text.includes("Daraja's confirmation contradicts this payment")).map((d) => d.text.includes(forged))).toEqual([true]);
  expect(daraja.queriesFor(forged).length).toBe(1);
  const health = (await (await fetch(`${s.url}/health`)).json()) as { verdicts: Record<string, number> };
  expect(health.verdicts).toEqual({ verified: 1, mismatch: 1 });
}, 60_000);
