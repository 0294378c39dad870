// MPESA_CB_RECONCILE=on: the real serve runs the sweep by itself, on SQLite and MariaDB, and /metrics counts it.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { startTestService } from "../../support/service.ts";
import { createTestDatabase, testDialects } from "../../support/databases.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { waitFor } from "../../support/wait-for.ts";
import { uniqueId } from "../../support/callbacks.ts";
import { toSqlUtc } from "../../../src/core/time.ts";

setDefaultTimeout(60_000); // the first pass comes 10 s after start (the shortest interval)
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

for (const dialect of await testDialects()) {
  describe(`serve with MPESA_CB_RECONCILE=on on ${dialect}`, () => {
    test("recovers a payment whose callback never came, and counts it in /metrics", async () => {
      const fake = FakeDaraja.start();
      cleanups.push(() => fake.stop());
      const tdb = await createTestDatabase(dialect);
      cleanups.push(() => tdb.drop());
      const svc = await startTestService(tdb, {
        MPESA_CB_RECONCILE: "on", MPESA_CB_RECONCILE_INTERVAL_S: "10", MPESA_CB_RECONCILE_AFTER_S: "0",
        MPESA_API_ROOT: fake.apiRoot, MPESA_CONSUMER_KEY: fake.creds.consumerKey, MPESA_CONSUMER_SECRET: fake.creds.consumerSecret,
        MPESA_SHORTCODE: "600999", MPESA_PASSKEY: "fake-passkey-serve",
      });
      cleanups.push(() => svc.stop());
      const id = uniqueId("ws_CO_SRV");
      await svc.db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, amount, phone_number, created_at) VALUES (?, 10.00, '254700000001', ?)",
        { replacements: [id, toSqlUtc(new Date(Date.now() - 60_000))] });
      fake.script(id, "cancelled");
      const status = async () => (await svc.db.sequelize.query<{ status: string }>("SELECT status FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT }))[0]?.status;
      await waitFor(async () => (await status()) === "Cancelled", { what: "the sweep inside serve to recover the cancel", timeoutMs: 40_000 });
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toMatch(/^mpesa_cb_reconcile_total\{result="recovered"\} 1$/m);
      expect(metrics).toMatch(/^mpesa_cb_daraja_queries_total\{caller="reconcile",answer="final"\} 1$/m);
    });
  });
}
