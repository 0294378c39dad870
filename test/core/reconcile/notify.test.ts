// What a recovered payment tells people, through the real notifier to the fake Bot API: the admin alert and the
// payer's receipt of a success recovered by query are each delivered once, rendered from the stored payment.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createStkQueryClient, type StkQueryClient } from "../../../src/core/daraja-api/stk-query.ts";
import { runReconcile } from "../../../src/core/reconcile/reconcile.ts";
import { toSqlUtc } from "../../../src/core/time.ts";
import { ADMIN_CHAT, OutboxBench } from "../../support/outbox.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { testDialects } from "../../support/databases.ts";
import { uniqueId } from "../../support/callbacks.ts";

setDefaultTimeout(60_000);
const PAYER = "5550001";

for (const dialect of await testDialects()) {
  describe(`a recovered success's notifications on ${dialect}`, () => {
    let bench: OutboxBench;
    let fake: FakeDaraja;
    let client: StkQueryClient;
    beforeAll(async () => {
      bench = await OutboxBench.open(dialect);
      fake = FakeDaraja.start();
      client = createStkQueryClient({ apiRoot: fake.apiRoot, ...fake.creds, shortcode: "600999", passkey: "fake-passkey-notify" }, { ratePerSecond: 1000 });
    });
    afterAll(async () => {
      await client.close();
      await fake.stop();
      await bench.close();
    });

    test("the admin alert and the receipt are delivered once each, with the requested amount and no receipt number", async () => {
      await bench.addUser(PAYER, "254700000009", "Achieng");
      const id = uniqueId("ws_CO_NTF");
      await bench.db.sequelize.query(
        `INSERT INTO payment_requests (user_id, checkout_request_id, phone_number, amount, account_reference, created_at)
         VALUES ((SELECT id FROM users WHERE telegram_chat_id = ?), ?, '254700000009', 250.00, 'ORDER-7', ?)`,
        { replacements: [PAYER, id, toSqlUtc(new Date(Date.now() - 600_000))] });
      const report = await runReconcile({ db: bench.db, query: (x) => client.query(x), notify: { adminChatId: ADMIN_CHAT, receipts: true }, afterMs: 120_000, maxAgeMs: 86_400_000 });
      expect(report.recovered).toBe(1);
      await bench.startNotifier();
      const rows = await bench.settle(2);
      expect(rows.map((r) => [r.kind, r.recipient, r.status])).toEqual([["admin", ADMIN_CHAT, "sent"], ["receipt", PAYER, "sent"]]);
      const [alert, receipt] = rows.map((r) => r.message ?? "");
      expect(alert).toContain("Payment received");
      expect(alert).toContain("KES 250.00");
      expect(alert).toContain(id);
      expect(receipt).toContain("Hello Achieng, thank you: we received <b>KES 250.00</b>.");
      expect(receipt).toContain("ORDER-7");
      expect(receipt).not.toContain("M-Pesa receipt");
      expect(bench.fake.delivered).toHaveLength(2);
    });
  });
}
