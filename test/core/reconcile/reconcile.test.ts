// Reconciliation against the local fake Daraja on SQLite and MariaDB: a missing success or cancel is recovered once
// (payment, callback_logs row from the query, alert and receipt in the outbox), a pending or unreachable Daraja
// records nothing, a dry run writes nothing, and a callback that arrives while the sweep runs leaves one outcome.
import { afterAll, beforeAll, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { GIVE_UP_AFTER } from "../../../src/core/reconcile/reconcile.ts";
import { failure, success, uniqueId } from "../../support/callbacks.ts";
import { testDialects } from "../../support/databases.ts";
import { ADMIN, MAX_AGE_MS, PAYER, ReconcileBench } from "./reconcile-bench.ts";

setDefaultTimeout(30_000);

for (const dialect of await testDialects()) {
  describe(`reconcile on ${dialect}`, () => {
    let b: ReconcileBench;
    beforeAll(async () => {
      b = await ReconcileBench.open(dialect);
    });
    afterAll(() => b.close());
    beforeEach(async () => {
      b.fake.mode = "success";
      b.fake.beforeAnswer = null;
      b.fake.restart();
      await b.wipe();
    });

    test("a missing success is recovered: Success at the requested amount, no receipt number, verified, alert and receipt queued", async () => {
      const id = await b.request();
      b.fake.script(id, "success");
      const report = await b.pass();
      expect(report).toMatchObject({ dryRun: false, checked: 1, recovered: 1, conflicts: 0, alreadyFinal: 0, unresolved: 0 });
      expect(report.items[0]).toMatchObject({ checkoutRequestId: id, storedStatus: null, result: "recovered", status: "Success", resultCode: "0" });
      expect(await b.payment(id)).toMatchObject({
        status: "Success", result_code: "0", amount: 1500, mpesa_receipt_number: null, phone_number: "254700000001",
        superseded_status: null, conflict_count: 0, verdict: "verified", verdict_detail: "recovered by M-Pesa Express Query: ResultCode 0",
      });
      const logs = await b.logs(id);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ family: "stk", route: "reconcile", source_verdict: "query", source_ip: null, outcome: "recovered", result_code: "0", http_status: null });
      expect(JSON.parse(String(logs[0]?.raw_payload))).toMatchObject({ source: "M-Pesa Express Query", CheckoutRequestID: id, ResultCode: "0" });
      expect(await b.notifications(id)).toEqual([
        { kind: "admin", recipient: ADMIN, event_key: "recovered:Success" },
        { kind: "receipt", recipient: PAYER, event_key: "status:Success" },
      ]);
      // Settled: the next pass does not ask again.
      const again = await b.pass();
      expect(again.checked).toBe(0);
      expect(b.fake.queriesFor(id)).toHaveLength(1);
    });

    test("a missing cancel is recovered as Cancelled with one admin alert and no receipt", async () => {
      const id = await b.request();
      b.fake.script(id, "cancelled");
      const report = await b.pass();
      expect(report).toMatchObject({ checked: 1, recovered: 1, unresolved: 0 });
      expect(await b.payment(id)).toMatchObject({ status: "Cancelled", result_code: "1032", verdict: null, mpesa_receipt_number: null });
      expect((await b.logs(id)).map((l) => l.outcome)).toEqual(["recovered"]);
      expect(await b.notifications(id)).toEqual([{ kind: "admin", recipient: ADMIN, event_key: "recovered:Cancelled" }]);
    });

    test.each(["pending4999", "pending500", "pending500-empty"] as const)("still pending (%s): nothing recorded, unresolved", async (answer) => {
      const id = await b.request();
      b.fake.script(id, answer);
      const before = await b.counts();
      const report = await b.pass();
      expect(report).toMatchObject({ checked: 1, recovered: 0, unresolved: 1, unreachable: 0 });
      expect(report.items[0]).toMatchObject({ result: "pending", status: null });
      expect(await b.counts()).toEqual(before);
    });

    test("an undocumented final code records nothing and stays unresolved", async () => {
      const id = await b.request();
      b.fake.script(id, "undocumented");
      const before = await b.counts();
      const report = await b.pass();
      expect(report.items[0]).toMatchObject({ result: "unresolved", resultCode: "7777" });
      expect(report.unresolved).toBe(1);
      expect(await b.counts()).toEqual(before);
    });

    test("Daraja unreachable: nothing recorded, every payment unresolved, and a pass stops asking after a few failures", async () => {
      const ids: string[] = [];
      for (let i = 0; i < GIVE_UP_AFTER + 2; i++) ids.push(await b.request(600_000 + i * 1000));
      await b.fake.stop();
      const before = await b.counts();
      const report = await b.pass();
      expect(report).toMatchObject({ checked: ids.length, recovered: 0, unresolved: ids.length, unreachable: ids.length });
      expect(report.items.slice(0, GIVE_UP_AFTER).every((i) => i.result === "unreachable" && /failed|refused|ECONN/i.test(i.detail))).toBe(true);
      expect(report.items.slice(GIVE_UP_AFTER).every((i) => i.detail === `not asked: the last ${GIVE_UP_AFTER} queries failed`)).toBe(true);
      expect(await b.counts()).toEqual(before);
    });

    test("a request younger than MPESA_CB_RECONCILE_AFTER_S waits; a stored Unknown is asked about at once and updated", async () => {
      const young = await b.request(10_000);
      const unknown = uniqueId("ws_CO_UNK");
      await b.storedPayment(unknown, "Unknown", { resultCode: "0" });
      b.fake.script(unknown, "success");
      const report = await b.pass();
      expect(report.items.map((i) => i.checkoutRequestId)).toEqual([unknown]);
      expect(b.fake.queriesFor(young)).toHaveLength(0);
      expect(await b.payment(unknown)).toMatchObject({ status: "Success", superseded_status: "Unknown", verdict: "verified", amount: null });
      expect((await b.notifications(unknown)).map((n) => n.event_key)).toEqual(["recovered:Success"]); // no payer known: no receipt
    });

    test("a Pending row left by the original server is a request with no final callback", async () => {
      const id = await b.request();
      await b.storedPayment(id, "Pending", { ageMs: 600_000 });
      b.fake.script(id, "timeout1037");
      const report = await b.pass();
      expect(report.items[0]).toMatchObject({ storedStatus: "Pending", result: "recovered", status: "Timeout" });
      expect(await b.payment(id)).toMatchObject({ status: "Timeout", result_code: "1037", amount: 1500, superseded_status: null });
    });

    test("--since and --limit narrow the pass; newest first, so that old requests Daraja no longer answers for never starve new ones", async () => {
      const old = await b.request(3 * 86_400_000);
      const recent = [await b.request(600_000), await b.request(500_000)];
      const since = await b.pass({ since: new Date(Date.now() - 86_400_000), dryRun: true });
      expect(since.items.map((i) => i.checkoutRequestId)).toEqual([...recent].reverse()); // newest first
      const limited = await b.pass({ limit: 2, dryRun: true });
      expect(limited.items.map((i) => i.checkoutRequestId)).toEqual([...recent].reverse());
      expect(b.fake.queriesFor(old)).toHaveLength(0);
      const all = await b.pass({ dryRun: true });
      expect(all.items.map((i) => i.checkoutRequestId)).toEqual([...recent].reverse().concat(old));
    });

    test("--dry-run asks Daraja and says what it would record, and writes nothing", async () => {
      const ids = [await b.request(), await b.request(), await b.request()];
      b.fake.script(ids[0] ?? "", "success");
      b.fake.script(ids[1] ?? "", "cancelled");
      b.fake.script(ids[2] ?? "", "pending4999");
      const before = await b.counts();
      const report = await b.pass({ dryRun: true });
      expect(report).toMatchObject({ dryRun: true, checked: 3, recovered: 2, unresolved: 1 });
      expect(report.items.map((i) => [i.result, i.status])).toEqual([["pending", null], ["recovered", "Cancelled"], ["recovered", "Success"]]);
      expect(await b.counts()).toEqual(before);
      for (const id of ids) expect(await b.payment(id)).toBeUndefined();
    });

    test("a success callback arriving while the sweep waits for Daraja: one outcome, one alert, one receipt", async () => {
      const id = await b.request();
      b.fake.script(id, "success");
      b.fake.beforeAnswer = async () => {
        expect(await b.callback(success(id, "RCP1SWEEP01"))).toEqual(["new"]);
      };
      const report = await b.pass();
      expect(report.items[0]).toMatchObject({ result: "already-final", status: "Success" });
      expect(report.unresolved).toBe(0);
      expect(await b.payment(id)).toMatchObject({ status: "Success", mpesa_receipt_number: "RCP1SWEEP01", conflict_count: 0 });
      expect((await b.logs(id)).map((l) => l.route)).toEqual(["/mpesa/callback"]);
      expect(await b.notifications(id)).toEqual([
        { kind: "admin", recipient: ADMIN, event_key: "status:Success" },
        { kind: "receipt", recipient: PAYER, event_key: "status:Success" },
      ]);
    });

    test("a callback that disagrees with the answer arriving meanwhile keeps its state: the answer is a conflict alert, not an overwrite", async () => {
      const id = await b.request();
      b.fake.script(id, "success");
      b.fake.beforeAnswer = async () => {
        await b.callback(failure(id, "1032", "Cancelled"));
      };
      const report = await b.pass();
      expect(report).toMatchObject({ conflicts: 1, recovered: 0, unresolved: 0 });
      expect(await b.payment(id)).toMatchObject({ status: "Cancelled", result_code: "1032", conflict_count: 1, last_conflict_code: "0" });
      expect((await b.logs(id)).map((l) => [l.route, l.outcome])).toEqual([["/mpesa/callback", "new"], ["reconcile", "conflict"]]);
      expect((await b.notifications(id)).map((n) => `${n.kind} ${n.event_key}`)).toEqual(["admin status:Cancelled", "conflict conflict:1"]);
    });

    test("a payment requested longer ago than the maximum age is no longer asked about, so it cannot fail every pass; --since still reaches it", async () => {
      const tooOld = await b.request(MAX_AGE_MS + 3_600_000);
      const oldUnknown = uniqueId("ws_CO_RECUNK");
      await b.storedPayment(oldUnknown, "Unknown", { ageMs: MAX_AGE_MS + 3_600_000 });
      const recent = await b.request(600_000);
      b.fake.script(tooOld, "success");
      const report = await b.pass();
      expect(report.items.map((i) => i.checkoutRequestId)).toEqual([recent]);
      expect(b.fake.queriesFor(tooOld)).toHaveLength(0);
      expect(b.fake.queriesFor(oldUnknown)).toHaveLength(0);
      const reached = await b.pass({ since: new Date(Date.now() - MAX_AGE_MS - 7_200_000), dryRun: true });
      expect(reached.items.map((i) => i.checkoutRequestId).sort()).toEqual([tooOld, oldUnknown].sort());
    });

    test("a payment that passed the maximum age since the last pass is reported once as expired (unresolved), not asked about", async () => {
      const justExpired = await b.request(MAX_AGE_MS + 60_000); // a minute past the age: inside the last 5 minutes
      await b.request(MAX_AGE_MS + 600_000); // ten minutes past: reported by an earlier pass already
      const report = await b.pass({ expiredWithinMs: 300_000 });
      expect(report.items.map((i) => [i.checkoutRequestId, i.result])).toEqual([[justExpired, "expired"]]);
      expect(report.items[0]?.detail).toContain("no longer asked about — settle it in M-Pesa's portal, or ask once more with reconcile --since");
      expect(report).toMatchObject({ expired: 1, unresolved: 1, recovered: 0 });
      expect(b.fake.queriesFor(justExpired)).toHaveLength(0);
      expect((await b.pass({ expiredWithinMs: 300_000, since: new Date(Date.now() - MAX_AGE_MS - 120_000), dryRun: true })).expired).toBe(0); // --since asks instead
    });

    test("the conflict alert shows what Daraja answered beside what is stored, not the stored outcome twice", async () => {
      const id = await b.request();
      b.fake.script(id, "success");
      b.fake.beforeAnswer = async () => {
        await b.callback(failure(id, "1032", "Cancelled"));
      };
      expect(await b.pass()).toMatchObject({ conflicts: 1 });
      const alert = (await b.rendered(id)).find((t) => t.includes("the stored outcome is kept"));
      expect(alert).toContain("Daraja's answer to a query disagrees: the stored outcome is kept");
      expect(alert).toContain("Stored: <b>Cancelled</b>, result <code>1032</code>");
      expect(alert).toContain("Daraja answered: <b>Success</b>, result <code>0</code>");
      expect(alert).not.toContain("Arrived:");
      expect(alert).toContain("route reconcile");
    });

    test("a cancel callback arriving after the sweep recorded the cancel is a duplicate: one outcome, one alert", async () => {
      const id = await b.request();
      b.fake.script(id, "cancelled");
      await b.pass();
      expect(await b.callback(failure(id, "1032", "Cancelled"))).toEqual(["duplicate"]);
      expect(await b.payment(id)).toMatchObject({ status: "Cancelled", conflict_count: 0 });
      expect((await b.notifications(id)).map((n) => n.event_key)).toEqual(["recovered:Cancelled"]);
    });

    test("the real callback of a success recovered by query completes it: receipt filled in, no second alert or receipt", async () => {
      const id = await b.request();
      b.fake.script(id, "success");
      await b.pass();
      expect(await b.callback(success(id, "RCP1LATE001"))).toEqual(["completed"]);
      expect(await b.payment(id)).toMatchObject({ status: "Success", mpesa_receipt_number: "RCP1LATE001", amount: 1500, conflict_count: 0, verdict: "verified" });
      expect((await b.notifications(id)).map((n) => `${n.kind} ${n.event_key}`)).toEqual(["admin recovered:Success", "receipt status:Success"]);
      expect((await b.logs(id)).map((l) => [l.route, l.outcome])).toEqual([["reconcile", "recovered"], ["/mpesa/callback", "completed"]]);
    });

    test("sweeps and callbacks for the same payments at the same moment, through two connections: one outcome and one alert each", async () => {
      const second: Database = await openDatabase(b.cdb.test.target);
      try {
        const ids: string[] = [];
        for (let i = 0; i < 16; i++) ids.push(await b.request(600_000 + i));
        b.fake.mode = "cancelled";
        const callbacks = Promise.all(ids.map((id) => b.callback(failure(id, "1032", "Cancelled"), second)));
        const [reportA, reportB, outcomes] = await Promise.all([b.pass(), b.pass(), callbacks]);
        for (const id of ids) {
          expect(await b.payment(id)).toMatchObject({ status: "Cancelled", conflict_count: 0 });
          const alerts = (await b.notifications(id)).filter((n) => n.kind === "admin");
          expect(alerts).toHaveLength(1);
        }
        // Each payment got its outcome from exactly one writer: a pass (recovered) or its callback (new).
        const firstByCallback = outcomes.flat().filter((o) => o === "new").length;
        expect(reportA.recovered + reportB.recovered + firstByCallback).toBe(ids.length);
        expect(outcomes.flat().every((o) => o === "new" || o === "duplicate")).toBe(true);
      } finally {
        await second.close();
      }
    });
  });
}
