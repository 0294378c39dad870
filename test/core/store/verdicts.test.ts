// The cross-check of a success against our own payment request, inside the batch transaction, on both dialects:
// its verdict, and whether the customer gets a receipt.
import { beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { notifyTargets } from "../../../src/core/notify/notification-plan.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";

const telegram = { token: "1:test", adminChatId: "42", apiRoot: "http://127.0.0.1:9", adminShowPhone: false };

describe.each(await testDialects())("verdicts on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  let userId: number;

  beforeAll(async () => {
    await suite.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES (777, '254700000001', 'Amina', 1)");
    const [u] = await suite.db.sequelize.query<{ id: number }>("SELECT id FROM users WHERE telegram_chat_id = 777", { type: QueryTypes.SELECT });
    userId = Number(u?.id);
  });

  const requested = (id: string, amount: string, phone = "254700000001") =>
    suite.db.sequelize.query("INSERT INTO payment_requests (user_id, checkout_request_id, phone_number, amount, status) VALUES (?, ?, ?, ?, 'Pending')", { replacements: [userId, id, phone, amount] });
  const verdictOf = async (id: string) => {
    const [row] = await suite.db.sequelize.query<{ verdict: string | null }>("SELECT verdict FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
    return row?.verdict ?? null;
  };
  const queued = async (id: string) =>
    (await suite.db.sequelize.query<{ t: string }>("SELECT notification_type AS t FROM notifications WHERE checkout_request_id = ? ORDER BY notification_type", { replacements: [id], type: QueryTypes.SELECT })).map((r) => r.t);

  test.each([
    ["the amount and phone of our request → matched, receipt", "1500.00", "254700000001", false, "matched", ["admin", "receipt"]],
    ["another amount → mismatch, no receipt", "15.00", "254700000001", false, "mismatch", ["admin"]],
    ["another phone → mismatch, no receipt", "1500.00", "254799999999", false, "mismatch", ["admin"]],
    ["confirmation on → pending, the receipt waits", "1500.00", "254700000001", true, "pending", ["admin"]],
  ] as const)("%s", async (_, amount, phone, confirm, verdict, notes) => {
    const id = uniqueId();
    await requested(id, amount, phone);
    const store = createCallbackStore(suite.db, { notify: notifyTargets(telegram), confirm });
    expect(await store.writeBatch([item(success(id, `V${id.slice(-9)}`, 150000))])).toEqual(["new"]);
    expect(await verdictOf(id)).toBe(verdict);
    expect(await queued(id)).toEqual([...notes]);
  });

  test("a success for a request we never made → unsolicited (accepted, flagged; a known payer still gets a receipt)", async () => {
    const id = uniqueId();
    const store = createCallbackStore(suite.db, { notify: notifyTargets(telegram) });
    await store.writeBatch([item(success(id, `U${id.slice(-9)}`))]);
    expect(await verdictOf(id)).toBe("unsolicited");
    expect(await queued(id)).toEqual(["admin", "receipt"]);
  });

  test("failures get no verdict; a late success after a cancel gets one", async () => {
    const id = uniqueId();
    await requested(id, "1500.00");
    const store = createCallbackStore(suite.db);
    await store.writeBatch([item(failure(id))]);
    expect(await verdictOf(id)).toBeNull();
    await store.writeBatch([item(success(id, `L${id.slice(-9)}`))]);
    expect(await verdictOf(id)).toBe("matched");
  });

  // A success that updates a stored cancel is checked by the UPDATE of the batch, not by its INSERT: the same verdicts.
  test.each([
    ["our request's amount and phone → matched", "1500.00", "254700000001", true, "matched"],
    ["another amount → mismatch", "15.00", "254700000001", true, "mismatch"],
    ["another phone → mismatch", "1500.00", "254799999999", true, "mismatch"],
    ["no request of ours → unsolicited", "1500.00", "254700000001", false, "unsolicited"],
  ] as const)("a late success after a stored cancel: %s", async (_, amount, phone, ours, verdict) => {
    const id = uniqueId();
    if (ours) await requested(id, amount, phone);
    const store = createCallbackStore(suite.db);
    await store.writeBatch([item(failure(id))]);
    expect(await store.writeBatch([item(success(id, `L${id.slice(-9)}`, 150000))])).toEqual(["late-success"]);
    expect(await verdictOf(id)).toBe(verdict);
  });

  // On MariaDB a batch of new payments takes the one-round-trip path: its successes get their verdict in the INSERT,
  // also when an earlier callback of the same batch was a cancel (the plan holds one insert, never an update).
  test.each([
    ["a cancel then a success in one batch → late success, matched, receipt", "failure-first", ["new", "late-success"]],
    ["a success then a cancel in one batch → the success stays, matched, receipt", "success-first", ["new", "conflict"]],
  ] as const)("%s", async (_, order, outcomes) => {
    const id = uniqueId();
    await requested(id, "1500.00");
    const store = createCallbackStore(suite.db, { notify: notifyTargets(telegram) });
    const pair = [item(failure(id)), item(success(id, `B${id.slice(-9)}`, 150000))];
    expect(await store.writeBatch(order === "failure-first" ? pair : pair.reverse())).toEqual([...outcomes]);
    expect(await verdictOf(id)).toBe("matched");
    expect((await queued(id)).sort()).toEqual(["admin", "conflict", "receipt"]); // the conflict alert too
  });

  test("MPESA_CB_UNSOLICITED=reject: an unsolicited success is refused and kept in callback_logs; ours and failures pass", async () => {
    const [ours, stranger, failed] = [uniqueId(), uniqueId(), uniqueId()];
    await requested(ours, "1500.00");
    const store = createCallbackStore(suite.db, { refuseUnsolicited: true });
    const outcomes = await store.writeBatch([item(success(stranger, `X${stranger.slice(-9)}`)), item(success(ours, `O${ours.slice(-9)}`)), item(failure(failed))]);
    expect(outcomes).toEqual(["refused", "new", "new"]);
    expect(await verdictOf(ours)).toBe("matched");
    const rows = await suite.db.sequelize.query<{ id: string }>("SELECT checkout_request_id AS id FROM transactions WHERE checkout_request_id IN (?, ?, ?)", { replacements: [ours, stranger, failed], type: QueryTypes.SELECT });
    expect(rows.map((r) => r.id).sort()).toEqual([ours, failed].sort());
    const [log] = await suite.db.sequelize.query<{ outcome: string; http_status: number; processed: number; problems: string }>(
      "SELECT outcome, http_status, processed, problems FROM callback_logs WHERE checkout_request_id = ?", { replacements: [stranger], type: QueryTypes.SELECT });
    expect([log?.outcome, Number(log?.http_status), Number(log?.processed)]).toEqual(["refused", 403, 0]);
    expect(log?.problems).toContain("MPESA_CB_UNSOLICITED=reject");
  });
});
