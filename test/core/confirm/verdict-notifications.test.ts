// A verdict and what it tells people are one transaction (issue 13 item 2): `verified` queues the waiting receipt,
// `mismatch` and `unverifiable` one admin alert each; when the outbox row cannot be written, the verdict is not
// recorded either, and the next pass records both. Real databases, the local fake Daraja.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { startConfirmer, type Confirmer, type ConfirmOptions } from "../../../src/core/confirm/confirm-worker.ts";
import type { NotifyTargets } from "../../../src/core/notify/notification-plan.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { insertPendingSuccess, openConfirmDb, readVerdict, recordingLogger, type ConfirmDb } from "../../support/confirm-db.ts";
import { testDialects } from "../../support/databases.ts";
import { uniqueId } from "../../support/callbacks.ts";

const ADMIN = "-100424242";
const PAYER = "424242424"; // the user with the pending successes' phone number, 254700000001
const NOTIFY: NotifyTargets = { adminChatId: ADMIN, receipts: true };
const FAST: Partial<ConfirmOptions> = { firstDelayMs: 0, retryBaseMs: 1, retryMaxMs: 5, maxAttempts: 2, leaseMs: 1, loop: false };

for (const dialect of await testDialects()) {
  describe(`verdict notifications on ${dialect}`, () => {
    let fake: FakeDaraja;
    let cdb: ConfirmDb;
    const confirmers: Confirmer[] = [];
    const confirmer = () => {
      const c = startConfirmer({
        db: cdb.db, logger: recordingLogger(), notify: NOTIFY, options: FAST,
        config: { apiRoot: fake.apiRoot, ...fake.creds, shortcode: "600999", passkey: "fake-passkey", ratePerSecond: 1000, timeoutMs: 2_000 },
      });
      confirmers.push(c);
      return c;
    };
    // A success waiting for Daraja, with the callback_logs row that stored it (what its notifications point at).
    const pendingSuccess = async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      await cdb.db.sequelize.query(
        "INSERT INTO callback_logs (checkout_request_id, raw_payload, processed, request_id, outcome, http_status, family) VALUES (?, '{}', 1, ?, 'new', 200, 'stk')",
        { replacements: [id, crypto.randomUUID()] });
      return id;
    };
    const settle = async (c: Confirmer, id: string) => {
      for (let i = 0; i < 50 && (await readVerdict(cdb.db, id)).verdict === "pending"; i++) await c.runOnce();
      return (await readVerdict(cdb.db, id)).verdict;
    };
    const queued = (id: string) => cdb.db.sequelize.query<{ kind: string; recipient: string; event_key: string }>(
      `SELECT n.notification_type AS kind, n.recipient, n.event_key FROM notifications n JOIN transactions t ON t.id = n.transaction_id
       WHERE t.checkout_request_id = ? ORDER BY n.id`, { replacements: [id], type: QueryTypes.SELECT });

    beforeAll(async () => {
      fake = FakeDaraja.start();
      cdb = await openConfirmDb(dialect);
      await cdb.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '254700000001', 'Njeri')", { replacements: [PAYER] });
    });
    afterAll(async () => {
      for (const c of confirmers) await c.stop();
      await fake.stop();
      await cdb.close();
    });

    test("verified: the payer's receipt, queued with the verdict, once", async () => {
      const id = await pendingSuccess();
      fake.script(id, "success");
      expect(await settle(confirmer(), id)).toBe("verified");
      expect(await queued(id)).toEqual([{ kind: "receipt", recipient: PAYER, event_key: "status:Success" }]);
    });

    test("Daraja contradicts the success: one admin alert naming it, no receipt", async () => {
      const id = await pendingSuccess();
      fake.script(id, "cancelled");
      expect(await settle(confirmer(), id)).toBe("mismatch");
      expect(await queued(id)).toEqual([{ kind: "conflict", recipient: ADMIN, event_key: "confirm:mismatch" }]);
    });

    test("Daraja never confirms: unverifiable, one admin alert, no receipt", async () => {
      const id = await pendingSuccess();
      fake.script(id, "pending500");
      expect(await settle(confirmer(), id)).toBe("unverifiable");
      expect(await queued(id)).toEqual([{ kind: "conflict", recipient: ADMIN, event_key: "confirm:unverifiable" }]);
    });

    test("the outbox refuses the alert: the verdict is not recorded either; the next pass records both", async () => {
      const id = await pendingSuccess();
      fake.script(id, "cancelled");
      await cdb.db.sequelize.query(dialect === "mysql"
        ? "CREATE TRIGGER refuse_notifications BEFORE INSERT ON notifications FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox refused by the test'"
        : "CREATE TRIGGER refuse_notifications BEFORE INSERT ON notifications BEGIN SELECT RAISE(ABORT, 'outbox refused by the test'); END");
      const c = confirmer();
      try {
        await expect(c.runOnce()).rejects.toThrow();
        expect((await readVerdict(cdb.db, id)).verdict).toBe("pending");
        expect(await queued(id)).toEqual([]);
      } finally {
        await cdb.db.sequelize.query("DROP TRIGGER refuse_notifications");
      }
      expect(await settle(c, id)).toBe("mismatch");
      expect(await queued(id)).toEqual([{ kind: "conflict", recipient: ADMIN, event_key: "confirm:mismatch" }]);
    });
  });
}
