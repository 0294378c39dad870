// C2B confirmations through the real serve, on SQLite and MariaDB: the answer Daraja gets, the row, exactly once,
// and one payment (one alert, one receipt) when an STK payment and a C2B confirmation carry the same receipt.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { c2bFixtures } from "../../src/core/daraja/c2b/fixtures.ts";
import type { Service } from "../../src/server/service.ts";
import { testDialects } from "../support/databases.ts";
import { postCallback } from "../support/service.ts";
import { servicesPerTest } from "../support/services-per-test.ts";
import { successBody, uniqueId, utcIso } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/outbox.ts";

const TOKEN = "7272:C2B-test_token";
const ADMIN = "-100727272";
const PAYER = "727272727"; // a user with 254700000001 (successBody's payer)
const fake = FakeTelegram.start(TOKEN);
afterAll(() => fake.stop());

const confirmation = (transId: string, o: { msisdn?: string | number; amount?: string } = {}) => JSON.stringify({
  TransactionType: "Pay Bill", TransID: transId, TransTime: "20250115120501", TransAmount: o.amount ?? "1500.00", BusinessShortCode: "600000",
  BillRefNumber: "INV-1", InvoiceNumber: "", OrgAccountBalance: "10250.00", ThirdPartyTransID: "", MSISDN: o.msisdn ?? "254700000001",
  FirstName: "TESTFIRST", MiddleName: "", LastName: "",
});

describe.each(await testDialects())("C2B confirmations on %s", (dialect) => {
  const startService = servicesPerTest(dialect, () => (fake.delivered.length = 0));
  const start = (telegram = false) => startService(telegram ? { TELEGRAM_BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot } : {});
  const post = (s: Service, path: string, body: string) => fetch(`${s.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const rows = (s: Service, transId: string) => s.db.sequelize.query<Record<string, unknown>>(
    "SELECT trans_id, amount, trans_time, msisdn, msisdn_kind, bill_ref_number, status, checkout_request_id FROM c2b_payments WHERE trans_id = ?",
    { replacements: [transId], type: QueryTypes.SELECT });
  const sent = (s: Service) => s.db.sequelize.query<{ kind: string; recipient: string }>(
    "SELECT notification_type AS kind, recipient FROM notifications ORDER BY id", { type: QueryTypes.SELECT });

  test("every confirmation fixture: Success after commit, the row as documented", async () => {
    const s = await start();
    for (const f of c2bFixtures.filter((x) => x.route === "/c2b/confirmation")) {
      const res = await post(s, f.route, f.body);
      expect([f.name, res.status]).toEqual([f.name, 200]);
      expect(await res.json()).toMatchObject({ ResultCode: 0, ResultDesc: "Success", TransID: f.expected.transId, outcome: "new" });
      const [row] = await rows(s, f.expected.transId);
      expect([Math.round(Number(row?.amount) * 100), utcIso(row?.trans_time), row?.msisdn, row?.msisdn_kind, row?.bill_ref_number, row?.status])
        .toEqual([f.expected.amountCents, f.expected.transTimeUtc, f.expected.msisdn, f.expected.msisdnKind, f.expected.billRefNumber, "Paid"]);
    }
  });

  test("a body without a TransID: 400 naming it, the raw body kept", async () => {
    const s = await start();
    const marker = uniqueId("c2bbad");
    const res = await post(s, "/c2b/confirmation", JSON.stringify({ TransAmount: "10.00", BillRefNumber: marker }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["TransID"]);
    const logs = await s.db.sequelize.query<{ family: string; outcome: string }>("SELECT family, outcome FROM callback_logs WHERE raw_payload LIKE ?", { replacements: [`%${marker}%`], type: QueryTypes.SELECT });
    expect(logs).toEqual([{ family: "c2b-confirmation", outcome: "rejected" }]);
  });

  test("50 concurrent copies: one row, one admin alert, one receipt, 50 × 200", async () => {
    const s = await start(true);
    await s.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '0700000001', 'Achieng')", { replacements: [PAYER] });
    const transId = `C${uniqueId("").slice(-9)}`;
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(s, "/c2b/confirmation", confirmation(transId)).then(async (r) => [r.status, ((await r.json()) as { outcome: string }).outcome])));
    expect(answers.filter(([status]) => status === 200).length).toBe(50);
    expect(answers.filter(([, outcome]) => outcome === "new").length).toBe(1);
    expect((await rows(s, transId)).length).toBe(1);
    const health = (await (await fetch(`${s.url}/health`)).json()) as { families: Record<string, Record<string, number>> };
    expect([health.families["c2b-confirmation"]?.new, health.families["c2b-confirmation"]?.duplicate, health.families.stk?.new]).toEqual([1, 49, 0]);
    await waitFor(async () => fake.delivered.length >= 2, "the alert and the receipt");
    expect((await sent(s)).map((n) => [n.kind, n.recipient]).sort()).toEqual([["admin", ADMIN], ["receipt", PAYER]]);
  }, 30_000);

  test("a hashed MSISDN (SHA-256 of the payer's 2547… number) and a plain one sent together: each payer gets a receipt", async () => {
    const s = await start(true);
    const other = "727272728";
    await s.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '0700000001', 'Achieng'), (?, '+254700000002', 'Baraka')", { replacements: [PAYER, other] });
    const hashed = new Bun.CryptoHasher("sha256").update("254700000001").digest("hex");
    const [a, b] = [`C${uniqueId("").slice(-9)}`, `D${uniqueId("").slice(-9)}`];
    const answers = await Promise.all([post(s, "/c2b/confirmation", confirmation(a, { msisdn: hashed })), post(s, "/c2b/confirmation", confirmation(b, { msisdn: "254700000002" }))]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect((await rows(s, a))[0]?.msisdn_kind).toBe("hashed");
    await waitFor(async () => fake.delivered.length >= 4, "two alerts and two receipts");
    expect((await sent(s)).filter((n) => n.kind === "receipt").map((n) => n.recipient).sort()).toEqual([PAYER, other]);
  }, 30_000);

  test("a C2B confirmation of an STK success that does not match our request sends no receipt either", async () => {
    const s = await start(true);
    await s.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '254700000001', 'Achieng')", { replacements: [PAYER] });
    const checkout = uniqueId();
    const receipt = `M${checkout.slice(-9)}`;
    await s.db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount) VALUES (?, '254700000001', 99.00)", { replacements: [checkout] });
    expect((await postCallback(s, successBody(checkout, receipt))).status).toBe(200); // KES 1,500 against a request for 99: mismatch
    expect((await post(s, "/c2b/confirmation", confirmation(receipt))).status).toBe(200);
    // The STK alert is the mismatch warning; the C2B one announces the payment: two alerts, no receipt.
    expect((await sent(s)).map((n) => n.kind)).toEqual(["admin", "admin"]);
  }, 30_000);

  test("C2B first, then an STK success that does not match our request: its warning still reaches the admin", async () => {
    const s = await start(true);
    const checkout = uniqueId();
    const receipt = `W${checkout.slice(-9)}`;
    await s.db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount) VALUES (?, '254700000001', 99.00)", { replacements: [checkout] });
    expect((await post(s, "/c2b/confirmation", confirmation(receipt))).status).toBe(200);
    expect((await postCallback(s, successBody(checkout, receipt))).status).toBe(200);
    const rows = await s.db.sequelize.query<{ kind: string; family: string }>(
      "SELECT notification_type AS kind, CASE WHEN c2b_payment_id IS NULL THEN 'stk' ELSE 'c2b' END AS family FROM notifications ORDER BY id", { type: QueryTypes.SELECT });
    expect(rows).toEqual([{ kind: "admin", family: "c2b" }, { kind: "admin", family: "stk" }]);
  }, 30_000);

  for (const order of ["STK first", "C2B first"] as const) {
    test(`an STK success and a C2B confirmation with one receipt (${order}): one payment, one alert, one receipt`, async () => {
      const s = await start(true);
      await s.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '254700000001', 'Achieng')", { replacements: [PAYER] });
      const checkout = uniqueId();
      const receipt = `R${checkout.slice(-9)}`;
      const stk = () => postCallback(s, successBody(checkout, receipt));
      const c2b = () => post(s, "/c2b/confirmation", confirmation(receipt));
      const [first, second] = order === "STK first" ? [stk, c2b] : [c2b, stk];
      expect((await first()).status).toBe(200);
      expect((await second()).status).toBe(200);
      const [row] = await rows(s, receipt);
      expect(row?.checkout_request_id).toBe(checkout); // linked: the same payment
      await waitFor(async () => fake.delivered.length >= 2, "the alert and the receipt");
      expect((await sent(s)).map((n) => [n.kind, n.recipient]).sort()).toEqual([["admin", ADMIN], ["receipt", PAYER]]);
    }, 30_000);
  }
});
