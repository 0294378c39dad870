// The result store's judgements on SQLite and MariaDB, a fresh database per test: a B2C result against the payout
// request the business wrote (matched, mismatch, unsolicited), and the low-balance alert once per crossing.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Database } from "../../../src/core/store/database.ts";
import { createResultStore } from "../../../src/core/store/result-store.ts";
import type { FamilyStore } from "../../../src/core/ingest/ingest.ts";
import { testDialects } from "../../support/databases.ts";
import { eventsOf, freshDatabase, insertB2cRequest, keyed, resultItem, resultRows, select, uniqueKey, withParam, type Body, type Fresh } from "./result-items.ts";

const ADMIN = "-100555";
const notify = { adminChatId: ADMIN, receipts: true };
const THRESHOLD = 10_000_000; // KES 100,000 in cents

describe.each(await testDialects())("result alerts on %s", (dialect) => {
  let fresh: Fresh;
  let db: Database;
  let store: FamilyStore;

  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
    db = fresh.db;
    store = createResultStore(db, { notify, lowBalanceCents: null });
  });
  afterEach(async () => {
    await fresh.close();
  });

  const verdictOf = async (api: string, key: string) => (await resultRows(db, api, key))[0]?.verdict ?? null;

  describe("the B2C verdict against b2c_requests", () => {
    const cases: { name: string; request: [string, string] | null; verdict: string | null; alert: string[] }[] = [
      { name: "same amount and receiver: matched", request: ["500.00", "254700000004"], verdict: "matched", alert: [] },
      { name: "the receiver as people write it: matched", request: ["500", "+254 700 000 004"], verdict: "matched", alert: [] },
      { name: "another amount: mismatch", request: ["400.00", "254700000004"], verdict: "mismatch", alert: ["conflict verdict:mismatch"] },
      { name: "another receiver: mismatch", request: ["500.00", "0700000009"], verdict: "mismatch", alert: ["conflict verdict:mismatch"] },
      { name: "no request of ours: unsolicited", request: null, verdict: "unsolicited", alert: ["conflict verdict:unsolicited"] },
    ];
    for (const c of cases) {
      test(`a payout sent, ${c.name}`, async () => {
        const key = uniqueKey();
        if (c.request !== null) await insertB2cRequest(db, key, ...c.request);
        expect(await store.writeBatch([keyed("b2c_result_success", key)])).toEqual(["new"]);
        expect(await verdictOf("b2c", key)).toBe(c.verdict);
        expect(await eventsOf(db, "b2c", key)).toEqual(["admin status:Success", ...c.alert].sort());
      });
    }

    test("a failed payout is judged too, but one we never asked for moved no money: no alert", async () => {
      const [ours, unknown] = [uniqueKey(), uniqueKey()];
      await insertB2cRequest(db, ours, "500.00", "254700000004");
      await store.writeBatch([keyed("b2c_result_failure", ours), keyed("b2c_result_failure", unknown)]);
      expect([await verdictOf("b2c", ours), await verdictOf("b2c", unknown)]).toEqual(["matched", "unsolicited"]);
      expect(await eventsOf(db, "b2c", unknown)).toEqual(["admin status:Failed"]);
    });

    test("a timeout has no verdict; the late result gets one, from the amount its echo named when it has none", async () => {
      const key = uniqueKey();
      await insertB2cRequest(db, key, "450.00", "254700000005");
      await store.writeBatch([keyed("b2c_queue_timeout_request_echo", key)]);
      expect(await verdictOf("b2c", key)).toBeNull();
      expect(await store.writeBatch([keyed("b2c_result_failure", key)])).toEqual(["late-result"]);
      expect(await verdictOf("b2c", key)).toBe("mismatch"); // the echo's KES 500 against the request's 450
      expect(await eventsOf(db, "b2c", key)).toEqual(["admin status:Timeout", "conflict late-result", "conflict verdict:mismatch"]);
    });

    test("other APIs have no verdict", async () => {
      await store.writeBatch([resultItem("reversal_result"), resultItem("b2b_result_success")]);
      expect(await verdictOf("reversal", "fake-4c34-8787-000000000011")).toBeNull();
      expect(await verdictOf("b2b", "myapp-b2b-000000000013")).toBeNull();
    });
  });

  describe("the low-balance alert, once per crossing", () => {
    const payout = (utilityKes: number, workingKes = 150_000) => {
      const key = uniqueKey();
      const item = keyed("b2c_result_success", key, (b: Body) => withParam(withParam(b, "B2CUtilityAccountAvailableFunds", utilityKes), "B2CWorkingAccountAvailableFunds", workingKes));
      return { key, item };
    };
    const state = async () => (await select(db, "SELECT account_type, below, crossings, available_cents FROM low_balance_state ORDER BY account_type"))
      .map((r) => [r.account_type, Number(r.below), Number(r.crossings), Number(r.available_cents)]);
    const lowAlerts = async () => (await select(db, "SELECT event_key FROM notifications WHERE event_key LIKE 'low-balance:%' ORDER BY id")).map((r) => r.event_key);

    beforeEach(() => {
      store = createResultStore(db, { notify, lowBalanceCents: THRESHOLD });
    });

    test("below: one alert; below again: none; at the threshold: none and reset; below again: the second crossing", async () => {
      const first = payout(98_500);
      await store.writeBatch([first.item]);
      expect(await eventsOf(db, "b2c", first.key)).toContain("admin low-balance:Utility:1");
      expect(await state()).toEqual([["Utility Account", 1, 1, 9_850_000], ["Working Account", 0, 0, 15_000_000]]);
      const second = payout(90_000);
      await store.writeBatch([second.item]);
      expect(await eventsOf(db, "b2c", second.key)).toEqual(["admin status:Success", "conflict verdict:unsolicited"]);
      await store.writeBatch([payout(100_000).item]);
      expect(await state()).toEqual([["Utility Account", 0, 1, 10_000_000], ["Working Account", 0, 0, 15_000_000]]);
      const again = payout(5_000);
      await store.writeBatch([again.item]);
      expect(await eventsOf(db, "b2c", again.key)).toContain("admin low-balance:Utility:2");
      expect(await lowAlerts()).toEqual(["low-balance:Utility:1", "low-balance:Utility:2"]);
    });

    test("the same sequence in one batch, in arrival order; a duplicate or a conflict is no new reading", async () => {
      const [a, b, c, d] = [payout(98_500), payout(90_000), payout(120_000), payout(1_000, 1_000)];
      await store.writeBatch([a.item, b.item, c.item, d.item]);
      expect(await eventsOf(db, "b2c", a.key)).toContain("admin low-balance:Utility:1");
      expect(await eventsOf(db, "b2c", d.key)).toEqual(expect.arrayContaining(["admin low-balance:Utility:2", "admin low-balance:Working:1"]));
      expect(await lowAlerts()).toEqual(["low-balance:Utility:1", "low-balance:Utility:2", "low-balance:Working:1"]);
      // A repeat of the first payout, and a conflicting result for it, report 98,500 again: they are not readings.
      const conflicting = keyed("b2c_result_success", a.key, (x) => withParam(withParam(x, "TransactionAmount", 1), "B2CUtilityAccountAvailableFunds", 200_000));
      expect(await store.writeBatch([keyed("b2c_result_success", a.key, (x) => withParam(x, "B2CUtilityAccountAvailableFunds", 98_500)), conflicting]))
        .toEqual(["duplicate", "conflict"]);
      expect(await state()).toEqual([["Utility Account", 1, 2, 100_000], ["Working Account", 1, 1, 100_000]]);
    });

    test("an account balance result counts: its utility and working accounts", async () => {
      await store.writeBatch([payout(120_000).item]);
      const key = uniqueKey();
      const balance = keyed("account_balance_result", key, (b) => withParam(b, "AccountBalance",
        "Working Account|KES|50000.00|50000.00|0.00|0.00&Utility Account|KES|98500.00|98500.00|0.00|0.00&Float Account|KES|0.00|0.00|0.00|0.00"));
      await store.writeBatch([balance]);
      expect(await eventsOf(db, "balance", key)).toEqual(["admin low-balance:Utility:1", "admin low-balance:Working:1", "admin status:Success"]);
      expect(await state()).toEqual([["Utility Account", 1, 1, 9_850_000], ["Working Account", 1, 1, 5_000_000]]);
    });

    test("without an admin chat the state is kept and no alert queued; without a threshold nothing is written", async () => {
      await createResultStore(db, { lowBalanceCents: THRESHOLD }).writeBatch([payout(1_000).item]);
      expect(await state()).toEqual([["Utility Account", 1, 1, 100_000], ["Working Account", 0, 0, 15_000_000]]);
      expect(await lowAlerts()).toEqual([]);
      await db.sequelize.query("DELETE FROM low_balance_state");
      await createResultStore(db, { notify, lowBalanceCents: null }).writeBatch([payout(1_000).item, resultItem("account_balance_result")]);
      await createResultStore(db, { notify }).writeBatch([payout(1_000).item]);
      expect(await state()).toEqual([]);
      expect(await lowAlerts()).toEqual([]);
    });
  });
});
