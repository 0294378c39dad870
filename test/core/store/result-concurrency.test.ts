// Copies of one result at the same moment, through several processes' connections to one database (SQLite and
// MariaDB, a fresh database per test): one row, each alert exactly once, every request logged.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { createResultStore } from "../../../src/core/store/result-store.ts";
import type { FamilyStore } from "../../../src/core/ingest/ingest.ts";
import { testDialects } from "../../support/databases.ts";
import { eventsOf, freshDatabase, keyed, resultRows, select, uniqueKey, withParam, type Fresh } from "./result-items.ts";
import type { TestDatabase } from "../../support/databases.ts";

const ADMIN = "-100333";
const COPIES = 50;
const PROCESSES = 5; // database handles, each with its own pool: up to 5 × 4 transactions at once on MariaDB

describe.each(await testDialects())("concurrent results on %s", (dialect) => {
  let fresh: Fresh & { tdb: TestDatabase };
  let handles: Database[];
  let stores: FamilyStore[];

  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
    handles = [fresh.db, ...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => openDatabase(fresh.tdb.target))))];
    stores = handles.map((db) => createResultStore(db, { notify: { adminChatId: ADMIN, receipts: false }, lowBalanceCents: 10_000_000 }));
  });
  afterEach(async () => {
    for (const h of handles.slice(1)) await h.close();
    await fresh.close();
  });

  // Every item in a batch of its own, all started together, spread over the processes.
  const atOnce = (items: ReturnType<typeof keyed>[]) => Promise.all(items.map((item, i) => stores[i % PROCESSES]!.writeBatch([item]))).then((o) => o.flat());
  const count = (outcomes: string[]) => Object.fromEntries([...new Set(outcomes)].sort().map((o) => [o, outcomes.filter((x) => x === o).length]));

  test(`${COPIES} copies of a payout result at once: one row, one new and the rest duplicates, each alert once`, async () => {
    const key = uniqueKey();
    const outcomes = await atOnce(Array.from({ length: COPIES }, () => keyed("b2c_result_success", key)));
    expect(count(outcomes)).toEqual({ duplicate: COPIES - 1, new: 1 });
    expect((await resultRows(fresh.db, "b2c", key)).length).toBe(1);
    expect(await eventsOf(fresh.db, "b2c", key)).toEqual(["admin low-balance:Utility:1", "admin status:Success", "conflict verdict:unsolicited"]);
    expect(Number((await select(fresh.db, "SELECT COUNT(*) AS n FROM callback_logs"))[0]?.n)).toBe(COPIES);
    expect(Number((await select(fresh.db, "SELECT COUNT(*) AS n FROM account_balances"))[0]?.n)).toBe(3);
  }, 60_000);

  test(`a timeout, then ${COPIES} copies of its result at once: one late result, its alert once`, async () => {
    const key = uniqueKey();
    await stores[0]!.writeBatch([keyed("b2c_queue_timeout", key)]);
    const outcomes = await atOnce(Array.from({ length: COPIES }, () => keyed("b2c_result_success", key)));
    expect(count(outcomes)).toEqual({ duplicate: COPIES - 1, "late-result": 1 });
    const rows = await resultRows(fresh.db, "b2c", key);
    expect(rows.map((r) => [r.status, r.superseded_status, Number(r.conflict_count)])).toEqual([["Success", "Timeout", 0]]);
    expect(await eventsOf(fresh.db, "b2c", key)).toEqual([
      "admin low-balance:Utility:1", "admin status:Timeout", "conflict late-result", "conflict verdict:unsolicited",
    ]);
  }, 60_000);

  test(`${COPIES} copies of a timeout and of its result, all at once: one row, the result's; its alerts at most once each`, async () => {
    const key = uniqueKey();
    const items = Array.from({ length: COPIES }, (_, i) => keyed(i % 2 === 0 ? "b2c_queue_timeout" : "b2c_result_success", key));
    const outcomes = await atOnce(items);
    const rows = await resultRows(fresh.db, "b2c", key);
    expect(rows.length).toBe(1);
    expect(rows[0]?.status).toBe("Success"); // whichever came first, the result holds the row
    expect(outcomes.filter((o) => o === "new" || o === "late-result").length).toBeLessThanOrEqual(2);
    expect(outcomes.filter((o) => o === "new").length).toBe(1);
    const events = await eventsOf(fresh.db, "b2c", key);
    expect(new Set(events).size).toBe(events.length);
    // Each conflicting timeout is its own event: as many conflict:<n> alerts as conflicts, numbered 1…n.
    const conflicts = outcomes.filter((o) => o === "conflict").length;
    expect(events.filter((e) => e.startsWith("conflict conflict:")).sort()).toEqual(Array.from({ length: conflicts }, (_, i) => `conflict conflict:${i + 1}`).sort());
    expect(Number(rows[0]?.conflict_count)).toBe(conflicts);
  }, 60_000);

  test("20 payouts of different keys below the threshold at once: the utility account crosses once, one alert", async () => {
    const items = Array.from({ length: 20 }, () => keyed("b2c_result_success", uniqueKey(), (b) => withParam(b, "B2CUtilityAccountAvailableFunds", 5_000)));
    expect(count(await atOnce(items))).toEqual({ new: 20 });
    expect((await select(fresh.db, "SELECT event_key FROM notifications WHERE event_key LIKE 'low-balance:%'")).map((r) => r.event_key)).toEqual(["low-balance:Utility:1"]);
    expect((await select(fresh.db, "SELECT account_type, below, crossings FROM low_balance_state ORDER BY account_type"))
      .map((r) => [r.account_type, Number(r.below), Number(r.crossings)])).toEqual([["Utility Account", 1, 1], ["Working Account", 0, 0]]);
  }, 60_000);
});
