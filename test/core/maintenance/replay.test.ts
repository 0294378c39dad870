// Replay on SQLite and MariaDB, a fresh database per test: a callback an older parser rejected becomes a payment, a
// second replay changes nothing, a dry run writes nothing, and refused input never becomes money.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { replayCallbacks, type ReplayReport } from "../../../src/core/maintenance/replay.ts";
import type { ReplaySelection } from "../../../src/core/maintenance/replay-rows.ts";
import { failureBody, successBody, uniqueId } from "../../support/callbacks.ts";
import { FAMILIES } from "../../../src/core/daraja/registry.ts";
import { testDialects } from "../../support/databases.ts";
import { freshDatabase, insertLog, select, snapshot, storeLive, storesOf, type Fresh } from "./maintenance-db.ts";

const OLD_PARSER = [{ path: "Body.stkCallback.CallbackMetadata.Item[0].Value", message: "must be a number" }];

describe.each(await testDialects())("replay on %s", (dialect) => {
  let fresh: Fresh;
  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
  });
  afterEach(async () => {
    await fresh.close();
  });
  const replay = (selection: ReplaySelection, dryRun = false): Promise<ReplayReport> =>
    replayCallbacks({ db: fresh.db, stores: storesOf(fresh.db), selection, dryRun });
  const payments = (id: string) => select(fresh.db, "SELECT status, amount, mpesa_receipt_number FROM transactions WHERE checkout_request_id = ?", [id]);

  test("a callback an older parser rejected is stored by replay; the second replay changes nothing", async () => {
    const id = uniqueId();
    const original = await insertLog(fresh.db, { raw: successBody(id, "RCP1A2B3C4", "1500.00"), outcome: "rejected", httpStatus: 400, problems: OLD_PARSER });
    const first = await replay({ outcome: "rejected" });
    expect(first.counts).toMatchObject({ replayed: 1, skipped: 0 });
    expect(first.entries[0]).toMatchObject({ row: original, action: "replayed", outcome: "new", then: "rejected (400)" });
    expect((await payments(id)).map((p) => [p.status, Number(p.amount), p.mpesa_receipt_number])).toEqual([["Success", 1500, "RCP1A2B3C4"]]);
    // The replay is its own row, marked and naming the original; the original row is as it was.
    const logs = await select(fresh.db, "SELECT id, request_id, route, outcome, http_status FROM callback_logs ORDER BY id");
    expect(logs.map((l) => [l.outcome, Number(l.http_status)])).toEqual([["rejected", 400], ["new", 200]]);
    const originalRequest = String(logs[0]?.request_id);
    expect(String(logs[1]?.route)).toBe(`replay:${originalRequest}:/mpesa/callback`);
    expect(logs[1]?.request_id).toBe(first.entries[0]?.replayId);
    expect(Number((await select(fresh.db, "SELECT COUNT(*) AS n FROM notifications"))[0]?.n)).toBeGreaterThan(0);

    const before = await snapshot(fresh.db);
    const second = await replay({ outcome: "rejected" });
    expect(second.counts).toMatchObject({ replayed: 0, "already-replayed": 1 });
    expect(await snapshot(fresh.db)).toEqual(before);
    // Everything, twice: the replay row is not replayed again, the original is already replayed.
    const all = await replay({});
    expect(all.counts).toMatchObject({ replayed: 0, "already-replayed": 1 });
    expect(all.entries.length).toBe(1);
    expect(await snapshot(fresh.db)).toEqual(before);
  });

  test("a rejected copy of a payment stored meanwhile comes out a duplicate; callbacks applied on arrival are never replayed (a conflict would count twice)", async () => {
    const id = uniqueId();
    expect(await storeLive(fresh.db, successBody(id, "RCP2A2B3C4"))).toBe("new");
    expect(await storeLive(fresh.db, failureBody(id))).toBe("conflict");
    const applied = (await select(fresh.db, "SELECT id FROM callback_logs ORDER BY id")).map((r) => String(r.id));
    const copy = await insertLog(fresh.db, { raw: successBody(id, "RCP2A2B3C4"), problems: OLD_PARSER });
    const money = async () => [await select(fresh.db, "SELECT * FROM transactions"), await select(fresh.db, "SELECT * FROM notifications ORDER BY id")];
    const before = await money();
    const first = await replay({});
    expect(first.entries.map((e) => [e.row, e.action, e.outcome])).toEqual([[copy, "replayed", "duplicate"]]);
    expect(await money()).toEqual(before);
    const named = await replay({ ids: applied });
    expect(named.entries.map((e) => [e.action, e.detail])).toEqual([
      ["skipped", "applied when it arrived (new): replaying it would apply it twice"],
      ["skipped", "applied when it arrived (conflict): replaying it would apply it twice"],
    ]);
    const all = await snapshot(fresh.db);
    expect((await replay({})).counts).toMatchObject({ replayed: 0, "already-replayed": 1 });
    expect(await snapshot(fresh.db)).toEqual(all);
  });

  test("the original server's rows: one it processed is not replayed, one it failed to process is", async () => {
    const done = uniqueId();
    const failed = uniqueId();
    await fresh.db.sequelize.query("INSERT INTO callback_logs (checkout_request_id, raw_payload, processed, created_at) VALUES (?,?,1,?), (?,?,0,?)",
      { replacements: [done, successBody(done, "RCPLEG0001"), "2025-06-01 10:00:00", failed, successBody(failed, "RCPLEG0002"), "2025-06-01 11:00:00"] });
    const report = await replay({});
    expect(report.entries.map((e) => [e.action, e.outcome, e.then, e.receivedAt])).toEqual([["replayed", "new", "logged by the original server", "2025-06-01T11:00:00.000Z"]]);
    expect((await payments(failed)).length).toBe(1);
    expect((await payments(done)).length).toBe(0);
    const [row] = await select(fresh.db, "SELECT route FROM callback_logs WHERE route LIKE 'replay:%'");
    expect(String(row?.route)).toMatch(/^replay:#2:$/);
  });

  test("--dry-run writes nothing and says what each callback would do", async () => {
    const stored = uniqueId();
    await storeLive(fresh.db, successBody(stored, "RCP3A2B3C4"));
    await insertLog(fresh.db, { raw: successBody(stored, "RCP3A2B3C4"), problems: OLD_PARSER });
    const missing = uniqueId();
    await insertLog(fresh.db, { raw: successBody(missing, "RCP4A2B3C4"), problems: OLD_PARSER });
    await insertLog(fresh.db, { raw: "{\"Body\":", problems: [{ path: "(body)", message: "is not JSON" }] });
    const before = await snapshot(fresh.db);
    const report = await replay({}, true);
    expect(await snapshot(fresh.db)).toEqual(before);
    expect(report.entries.map((e) => e.action)).toEqual(["would-replay", "would-replay", "still-rejected"]);
    expect(report.entries[0]?.detail).toContain(`its key ${stored} has a stored callback`);
    expect(report.entries[1]?.detail).toContain(`its key ${missing} has no stored callback: it would be stored`);
    expect(report.entries[1]?.then).toBe("rejected (400)");
    expect(report.entries[2]?.detail).toContain("the parser still rejects it");
    expect(report.unresolved).toBe(1);
  });

  test("refused requests are never replayed, even when named: source (403), size (413), content type (415), unsolicited (403)", async () => {
    const refused = [
      { problems: [{ path: "(source)", message: "not in the allowlist" }], httpStatus: 403 },
      { problems: [{ path: "(size)", message: "over 65536 bytes" }], httpStatus: 413 },
      { problems: [{ path: "(content-type)", message: "text/plain is not JSON" }], httpStatus: 415 },
      { problems: [{ path: "Body.stkCallback.CheckoutRequestID", message: "unsolicited" }], httpStatus: 403, outcome: "refused" },
      { problems: null, httpStatus: 403 }, // the status says so where problems were not kept
    ];
    const ids: string[] = [];
    for (const r of refused) {
      const key = uniqueId();
      ids.push(key);
      await insertLog(fresh.db, { raw: successBody(key, `R${ids.length}X2B3C4D5`), ...r });
    }
    const rows = (await select(fresh.db, "SELECT id FROM callback_logs ORDER BY id")).map((r) => String(r.id));
    const before = await snapshot(fresh.db);
    for (const selection of [{ ids: rows }, {}, { outcome: "rejected" as const }]) {
      const report = await replay(selection);
      expect(report.counts.skipped).toBe(selection.outcome ? 4 : 5);
      expect(report.entries.every((e) => e.action === "skipped" && /never replayed/.test(e.detail))).toBe(true);
    }
    expect(await snapshot(fresh.db)).toEqual(before);
  });

  test("a quarantined callback, replayed once the data is fixed, is stored and marked reviewed", async () => {
    const id = uniqueId();
    const row = await insertLog(fresh.db, { raw: successBody(id, "RCP5A2B3C4"), outcome: "quarantined", httpStatus: 200, problems: [{ path: "(database)", message: "Duplicate entry" }] });
    const report = await replay({ outcome: "quarantined" });
    expect(report.entries.map((e) => [e.action, e.outcome])).toEqual([["replayed", "new"]]);
    expect((await payments(id)).length).toBe(1);
    const [original] = await select(fresh.db, "SELECT reviewed_at, outcome FROM callback_logs WHERE id = ?", [row]);
    expect(original?.outcome).toBe("quarantined");
    expect(original?.reviewed_at).not.toBeNull();
  });

  test("selection: by row id or request id, by time range (to excluded), by family; a replay row only when named", async () => {
    const at = (iso: string) => new Date(iso);
    const a = await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCP6A2B3C4"), receivedAt: at("2026-11-29T23:59:59.999Z") });
    const b = await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCP7A2B3C4"), receivedAt: at("2026-11-30T00:00:00.000Z") });
    const c = await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCP8A2B3C4"), receivedAt: at("2026-11-30T12:00:00.000Z"), requestId: "2f0c3b7e-0000-4000-8000-000000000001" });
    const d = await insertLog(fresh.db, { raw: "{}", family: "c2b-confirmation", route: "/c2b/confirmation", receivedAt: at("2026-11-30T13:00:00.000Z") });
    const rows = async (s: ReplaySelection) => (await replay(s, true)).entries.map((e) => e.row);
    expect(await rows({ from: at("2026-11-30T00:00:00Z"), to: at("2026-11-30T12:00:00Z") })).toEqual([b]);
    expect(await rows({ ids: [String(a), "2f0c3b7e-0000-4000-8000-000000000001"] })).toEqual([a, c]);
    expect(await rows({ family: "c2b-confirmation" })).toEqual([d]);
    expect(await rows({ family: "stk", limit: 2 })).toEqual([a, b]);
    await replay({ ids: [String(b)] });
    const [replayRow] = await select(fresh.db, "SELECT id FROM callback_logs WHERE route LIKE 'replay:%'");
    expect(await rows({})).toEqual([a, b, c, d]);
    const named = await replay({ ids: [String(replayRow?.id)] });
    expect(named.entries.map((e) => [e.action, e.detail.startsWith("it is itself a replay")])).toEqual([["skipped", true]]);
    // Reconcile's record of a query answer is not a callback: never selected by a range, skipped when named.
    const query = await insertLog(fresh.db, { raw: "{\"ResultCode\":\"0\"}", route: "reconcile", outcome: "new", httpStatus: null });
    expect(await rows({})).toEqual([a, b, c, d]);
    expect((await replay({ ids: [String(query)] })).entries.map((e) => e.detail)).toEqual(["an answer to reconcile's query, not a callback: there is nothing to replay"]);
  });

  test("a validation request and a body already purged are skipped with their reason", async () => {
    await insertLog(fresh.db, { raw: "{}", family: "c2b-validation", route: "/c2b/validation" });
    await insertLog(fresh.db, { raw: null });
    const report = await replay({});
    expect(report.entries.map((e) => e.detail)).toEqual([
      "a validation request: Daraja had its answer when it asked, and a replay cannot change it",
      "its raw body is gone (purged by retention, or never kept by the original server)",
    ]);
  });
});

describe.each(await testDialects())("replay of every family's fixtures on %s", (dialect) => {
  let fresh: Fresh;
  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
  });
  afterEach(async () => {
    await fresh.close();
  });

  test("every family: a fixture an older parser rejected is stored by replay (validation requests excepted)", async () => {
    const families = FAMILIES.filter((f) => f.name !== "c2b-validation");
    for (const f of families) {
      const fixture = f.fixtures.find((x) => x.accepted);
      await insertLog(fresh.db, { raw: fixture?.body ?? "{}", family: f.name, route: f.routes[0] ?? null, problems: [{ path: "(body)", message: "an older parser" }] });
    }
    const report = await replayCallbacks({ db: fresh.db, stores: storesOf(fresh.db), selection: { outcome: "rejected" } });
    expect(report.entries.map((e) => `${e.family} ${e.action} ${e.outcome}`)).toEqual(families.map((f) => `${f.name} replayed new`));
    expect(report.unresolved).toBe(0);
  });

  test("every fixture stored live, then everything replayed twice: the first changes no payment, the second nothing at all", async () => {
    const fixtures = FAMILIES.flatMap((f) => f.fixtures.map((x) => ({ family: f.name, route: f.routes[0] as string, body: x.body })));
    for (const f of fixtures) await storeLive(fresh.db, f.body, { family: f.family, route: f.route });
    const payments = ["transactions", "c2b_payments", "c2b_validations", "daraja_results", "account_balances", "notifications", "low_balance_state"];
    const rowsOf = async () => Object.fromEntries(await Promise.all(payments.map(async (t) => [t, await select(fresh.db, `SELECT * FROM ${t}`)] as const)));
    const money = await rowsOf();
    const first = await replayCallbacks({ db: fresh.db, stores: storesOf(fresh.db), selection: {} });
    // Only what was not taken is selected: the fixtures a correct server rejects, which the parser still rejects.
    expect(first.entries.map((e) => e.action)).toEqual(FAMILIES.flatMap((f) => f.fixtures.filter((x) => !x.accepted)).map(() => "still-rejected"));
    // Named one by one, the applied ones are skipped, each with its reason.
    const ids = (await select(fresh.db, "SELECT id FROM callback_logs ORDER BY id")).map((r) => String(r.id));
    const named = await replayCallbacks({ db: fresh.db, stores: storesOf(fresh.db), selection: { ids } });
    expect(named.entries.length).toBe(fixtures.length);
    expect(named.counts.replayed).toBe(0);
    expect(await rowsOf()).toEqual(money);
    const before = await snapshot(fresh.db);
    const second = await replayCallbacks({ db: fresh.db, stores: storesOf(fresh.db), selection: {} });
    expect(second.counts.replayed).toBe(0);
    expect(await snapshot(fresh.db)).toEqual(before);
  });
});
