// The sweep inside serve: with MPESA_CB_RECONCILE=on it passes by itself every interval; runOnce() and stop() for
// tests and shutdown; each payment's result and each Daraja answer reach the hooks (metrics).
import { afterAll, beforeAll, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { startReconcileSweep, type SweepConfig } from "../../../src/core/reconcile/sweep.ts";
import type { ReconcileItem } from "../../../src/core/reconcile/reconcile.ts";
import { recordingLogger } from "../../support/confirm-db.ts";
import { testDialects } from "../../support/databases.ts";
import { waitFor } from "../../support/wait-for.ts";
import { AFTER_MS, NOTIFY, ReconcileBench } from "./reconcile-bench.ts";

setDefaultTimeout(30_000);

for (const dialect of await testDialects()) {
  describe(`the reconcile sweep on ${dialect}`, () => {
    let b: ReconcileBench;
    const config = (enabled: boolean, intervalMs = 60_000): SweepConfig => ({
      confirm: { apiRoot: b.fake.apiRoot, ...b.fake.creds, shortcode: "600999", passkey: "fake-passkey-sweep", ratePerSecond: 1000 },
      reconcile: { enabled, intervalMs, afterMs: AFTER_MS, maxAgeMs: 86_400_000 },
    });
    beforeAll(async () => {
      b = await ReconcileBench.open(dialect);
    });
    afterAll(() => b.close());
    beforeEach(() => b.wipe());

    test("off: nothing runs by itself; runOnce() recovers, reports each payment and each answer, and logs it", async () => {
      const id = await b.request();
      b.fake.script(id, "pending4999", "success");
      const items: ReconcileItem[] = [];
      const answers: string[] = [];
      const logger = recordingLogger();
      const sweep = startReconcileSweep({ db: b.db, config: config(false), logger, notify: NOTIFY, onResult: (i) => items.push(i), onQuery: (a) => answers.push(a), firstDelayMs: 0 });
      try {
        expect((await sweep.runOnce()).unresolved).toBe(1);
        expect((await sweep.runOnce()).recovered).toBe(1);
        expect(b.fake.queriesFor(id)).toHaveLength(2); // no pass of its own in between (firstDelayMs 0 would have run one)
        expect(items.map((i) => i.result)).toEqual(["pending", "recovered"]);
        expect(answers).toEqual(["pending", "final"]);
        expect(logger.lines).toContain(`warn reconcile: ${id}: callback missing — recovered by query: Success`);
        expect(await b.payment(id)).toMatchObject({ status: "Success" });
      } finally {
        await sweep.stop();
      }
    });

    test("on: passes every interval by itself until stopped", async () => {
      const id = await b.request();
      b.fake.script(id, "pending4999", "pending4999", "cancelled");
      const sweep = startReconcileSweep({ db: b.db, config: config(true, 10), logger: recordingLogger(), notify: NOTIFY, firstDelayMs: 0 });
      await waitFor(async () => (await b.payment(id))?.status === "Cancelled", { what: "the sweep to recover the cancel" });
      expect(b.fake.queriesFor(id)).toHaveLength(3);
      await sweep.stop(); // resolves once the loop has ended: no pass after this
      expect(b.fake.queriesFor(id)).toHaveLength(3);
    });

    test("two runOnce() calls at once run one after the other: each payment is recorded once", async () => {
      const id = await b.request();
      const sweep = startReconcileSweep({ db: b.db, config: config(false), logger: recordingLogger(), notify: NOTIFY });
      try {
        const [first, second] = await Promise.all([sweep.runOnce(), sweep.runOnce()]);
        expect([first.recovered, second.checked]).toEqual([1, 0]);
        expect(b.fake.queriesFor(id)).toHaveLength(1);
      } finally {
        await sweep.stop();
      }
    });
  });
}
