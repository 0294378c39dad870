// The result store on SQLite and MariaDB, a fresh database per test: every fixture becomes its row (status, amount,
// UTC time, every parameter, balances in cents), the callback log keeps every request, and the state rules hold across
// batches and inside one (a timeout and its result, duplicates, conflicting outcomes, an Unknown made definite).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Database } from "../../../src/core/store/database.ts";
import { createResultStore } from "../../../src/core/store/result-store.ts";
import { resultFixtures, type ResultExpectation } from "../../../src/core/daraja/result/fixtures.ts";
import { resultFamilyName } from "../../../src/core/daraja/result/family.ts";
import type { FamilyStore } from "../../../src/core/ingest/ingest.ts";
import { testDialects } from "../../support/databases.ts";
import { utcIso } from "../../support/callbacks.ts";
import { bodyOf, eventsOf, freshDatabase, keyed, resultItem, resultRows, select, uniqueKey, withParam, type Fresh } from "./result-items.ts";

const ADMIN = "-100777";
const accepted = resultFixtures.filter((f) => !("rejected" in f.expected));

describe.each(await testDialects())("result store on %s", (dialect) => {
  let fresh: Fresh;
  let db: Database;
  let store: FamilyStore;

  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
    db = fresh.db;
    store = createResultStore(db, { notify: { adminChatId: ADMIN, receipts: true } });
  });
  afterEach(async () => {
    await fresh.close();
  });

  const only = async (api: string, key: string) => {
    const rows = await resultRows(db, api, key);
    expect(rows.length).toBe(1);
    return rows[0] as Record<string, unknown>;
  };
  const cents = (v: unknown) => (v === null ? null : Math.round(Number(v) * 100));

  test("every accepted fixture becomes one row: status, amount, UTC time, ids, parties and every parameter", async () => {
    const items = accepted.map((f) => resultItem(f.name));
    expect(await store.writeBatch(items)).toEqual(accepted.map(() => "new"));
    for (const f of accepted) {
      const e = f.expected as ResultExpectation;
      const row = await only(f.api, e.key);
      expect({
        status: row.status, amount: cents(row.amount), completedAt: utcIso(row.completed_at), originator: row.originator_conversation_id,
        conversation: row.conversation_id, transaction: row.transaction_id, code: row.result_code, credit: row.credit_party, debit: row.debit_party,
        parameters: JSON.parse(String(row.parameters)), conflicts: Number(row.conflict_count), superseded: row.superseded_status,
      }).toEqual({
        status: e.status, amount: e.amountCents, completedAt: e.completedAtUtc, originator: e.originatorConversationId,
        conversation: e.conversationId, transaction: e.transactionId, code: e.resultCode, credit: e.creditParty, debit: e.debitParty,
        parameters: e.parameters, conflicts: 0, superseded: null,
      });
      expect(await eventsOf(db, f.api, e.key)).toContain(`admin status:${e.status}`);
    }
    // The amount is exact DECIMAL text on MariaDB.
    if (dialect === "mysql") expect(String((await only("b2c", "myapp-b2c-000000000001")).amount)).toBe("500.00");
    // No secret of an echoed request is kept.
    expect(String((await only("b2c", "myapp-b2c-000000000005")).parameters)).not.toContain("Credential");
    const logs = await select(db, "SELECT family, outcome, http_status, callback_key FROM callback_logs ORDER BY id");
    expect(logs.map((l) => `${l.family} ${l.outcome} ${l.http_status} ${l.callback_key}`)).toEqual(
      accepted.map((f) => `${resultFamilyName(f.api, f.route)} new 200 ${(f.expected as ResultExpectation).key}`));
  });

  test("the balance result: one account_balances row per account, in cents; a B2C success: its utility, working and charges paid funds", async () => {
    await store.writeBatch([resultItem("account_balance_result"), resultItem("b2c_result_success")]);
    const balances = async (api: string, key: string) => (await select(db, `SELECT b.account_type, b.currency, b.current_cents, b.available_cents,
        b.reserved_cents, b.uncleared_cents, b.reported_at FROM account_balances b JOIN daraja_results r ON r.id = b.daraja_result_id
        WHERE r.api = ? AND r.result_key = ? ORDER BY b.account_type`, [api, key]))
      .map((b) => [b.account_type, b.currency, b.current_cents === null ? null : Number(b.current_cents), Number(b.available_cents),
        b.reserved_cents === null ? null : Number(b.reserved_cents), b.uncleared_cents === null ? null : Number(b.uncleared_cents), utcIso(b.reported_at)]);
    const at = "2025-01-15T09:45:00.000Z";
    expect(await balances("balance", "fake-4aa8-9fe0-000000000010")).toEqual([
      ["Charges Paid Account", "KES", -3300, -3300, 0, 0, at], ["Float Account", "KES", 0, 0, 0, 0, at],
      ["Organization Settlement Account", "KES", 0, 0, 0, 0, at], ["Utility Account", "KES", 9_850_000, 9_850_000, 0, 0, at],
      ["Working Account", "KES", 15_000_000, 15_000_000, 0, 0, at],
    ]);
    const paid = "2025-01-15T09:30:45.000Z";
    expect(await balances("b2c", "myapp-b2c-000000000001")).toEqual([
      ["Charges Paid Account", "KES", null, -3300, null, null, paid], ["Utility Account", "KES", null, 9_850_000, null, null, paid],
      ["Working Account", "KES", null, 15_000_000, null, null, paid],
    ]);
  });

  test("a body that cannot be identified is rejected: logged with its problems, no row", async () => {
    expect(await store.writeBatch([resultItem("result_missing_result_key"), resultItem("b2c_result_failure")])).toEqual(["rejected", "new"]);
    const logs = await select(db, "SELECT family, outcome, http_status, problems, raw_payload FROM callback_logs ORDER BY id");
    expect(logs.map((l) => `${l.family} ${l.outcome} ${l.http_status}`)).toEqual(["b2c-result rejected 400", "b2c-result new 200"]);
    expect(String(logs[0]?.problems)).toContain("Result");
    expect(Number((await select(db, "SELECT COUNT(*) AS n FROM daraja_results"))[0]?.n)).toBe(1);
  });

  test("a repeat is a duplicate: the row, its balances and its notifications do not change", async () => {
    await store.writeBatch([resultItem("b2c_result_success")]);
    const before = await only("b2c", "myapp-b2c-000000000001");
    expect(await store.writeBatch([resultItem("b2c_result_success")])).toEqual(["duplicate"]);
    expect(await store.writeBatch([resultItem("b2c_result_success"), resultItem("b2c_result_success")])).toEqual(["duplicate", "duplicate"]);
    expect(await only("b2c", "myapp-b2c-000000000001")).toEqual(before);
    expect(await eventsOf(db, "b2c", "myapp-b2c-000000000001")).toEqual(["admin status:Success", "conflict verdict:unsolicited"]);
    expect(Number((await select(db, "SELECT COUNT(*) AS n FROM account_balances"))[0]?.n)).toBe(3);
    expect((await select(db, "SELECT outcome FROM callback_logs ORDER BY id")).map((l) => l.outcome)).toEqual(["new", "duplicate", "duplicate", "duplicate"]);
  });

  // A timeout and the result that follows it, in either order, across batches and in one batch.
  // Each call a new request (callback_logs keeps one row per request id).
  const pair = (key: string) => ({
    get timeout() { return keyed("b2c_queue_timeout", key); },
    get echo() { return keyed("b2c_queue_timeout_request_echo", key); },
    get success() { return keyed("b2c_result_success", key); },
  });

  for (const batched of [false, true]) {
    const write = async (...items: ReturnType<typeof resultItem>[]): Promise<string[]> => {
      if (batched) return store.writeBatch(items);
      const outcomes: string[] = [];
      for (const item of items) outcomes.push(...(await store.writeBatch([item])));
      return outcomes;
    };
    const how = batched ? "in one batch" : "across batches";

    test(`timeout then result ${how}: one row, the result wins (superseded Timeout), the late-result alert once`, async () => {
      const key = uniqueKey();
      const p = pair(key);
      const success = p.success;
      expect(await write(p.timeout, success, p.success, p.timeout)).toEqual(["new", "late-result", "duplicate", "conflict"]);
      const row = await only("b2c", key);
      expect([row.status, row.superseded_status, row.result_code, row.transaction_id, cents(row.amount), Number(row.conflict_count), row.last_conflict_code])
        .toEqual(["Success", "Timeout", "0", "FAKE0B2C01", 50000, 1, "1"]);
      expect(JSON.parse(String(row.parameters)).TransactionReceipt).toBe("FAKE0B2C01");
      expect(row.request_id).toBe(success.request.id);
      expect(await eventsOf(db, "b2c", key)).toEqual([
        "admin status:Timeout", "conflict conflict:1", "conflict late-result", "conflict verdict:unsolicited",
      ]);
    });

    test(`an echoed timeout then a failure ${how}: the failure wins, the echo's amount and receiver are kept`, async () => {
      const key = uniqueKey();
      const failure = keyed("b2c_result_failure_2040_unregistered", key);
      expect(await write(pair(key).echo, failure)).toEqual(["new", "late-result"]);
      const row = await only("b2c", key);
      expect([row.status, row.result_code, cents(row.amount), row.credit_party, row.conversation_id, row.superseded_status])
        .toEqual(["Failed", "2040", 50000, "254700000005", "AG_20250115_0000fake0000000000003", "Timeout"]);
    });

    test(`result then timeout ${how}: a conflict, the row keeps its state, conflict_count 1`, async () => {
      const key = uniqueKey();
      const p = pair(key);
      expect(await write(p.success)).toEqual(["new"]);
      const before = await only("b2c", key);
      expect(await write(p.timeout, p.echo)).toEqual(["conflict", "conflict"]);
      const row = await only("b2c", key);
      const { conflict_count, last_conflict_code, updated_at, ...rest } = row;
      const { conflict_count: c0, last_conflict_code: l0, updated_at: u0, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
      expect([Number(conflict_count), last_conflict_code, Number(c0), l0]).toEqual([2, "Timeout", 0, null]);
      expect(await eventsOf(db, "b2c", key)).toEqual(["admin status:Success", "conflict conflict:1", "conflict conflict:2", "conflict verdict:unsolicited"]);
    });

    test(`result then the same timeout twice ${how}: one conflict, one alert; the copy is a duplicate`, async () => {
      const key = uniqueKey();
      const p = pair(key);
      expect(await write(p.success)).toEqual(["new"]);
      expect(await write(p.timeout, p.timeout)).toEqual(["conflict", "duplicate"]);
      expect(await write(p.timeout)).toEqual(["duplicate"]);
      expect(Number((await only("b2c", key)).conflict_count)).toBe(1);
      expect(await eventsOf(db, "b2c", key)).toEqual(["admin status:Success", "conflict conflict:1", "conflict verdict:unsolicited"]);
    });

    test(`a different final outcome ${how} never overwrites the stored one`, async () => {
      const key = uniqueKey();
      const failure = keyed("b2c_result_failure", key);
      const other = keyed("b2c_result_success", key, (b) => withParam(b, "TransactionAmount", 600));
      expect(await write(pair(key).success, failure, other)).toEqual(["new", "conflict", "conflict"]);
      const row = await only("b2c", key);
      expect([row.status, row.result_code, cents(row.amount), Number(row.conflict_count), row.last_conflict_code]).toEqual(["Success", "0", 50000, 2, "0"]);
      expect(await eventsOf(db, "b2c", key)).toEqual(["admin status:Success", "conflict conflict:1", "conflict conflict:2", "conflict verdict:unsolicited"]);
    });

    test(`Unknown then a definite result ${how}: updated; a timeout after the Unknown is a conflict`, async () => {
      const key = uniqueKey();
      const unknown = () => keyed("b2c_result_success", key, (b) => { b.Result.ResultCode = 9999; return b; });
      expect(await write(unknown(), pair(key).timeout, pair(key).success, unknown())).toEqual(["new", "conflict", "updated", "conflict"]);
      const row = await only("b2c", key);
      expect([row.status, row.result_code, row.superseded_status, Number(row.conflict_count)]).toEqual(["Success", "0", null, 2]);
      expect(await eventsOf(db, "b2c", key)).toEqual([
        "admin status:Success", "admin status:Unknown", "conflict conflict:1", "conflict conflict:2", "conflict verdict:unsolicited",
      ]);
      // The balances are the definite result's, once each.
      expect(Number((await select(db, "SELECT COUNT(*) AS n FROM account_balances"))[0]?.n)).toBe(3);
    });
  }

  test("the same key under two APIs is two rows", async () => {
    const key = uniqueKey();
    expect(await store.writeBatch([keyed("b2c_queue_timeout", key), keyed("b2b_queue_timeout", key), keyed("b2b_result_success", key)]))
      .toEqual(["new", "new", "late-result"]);
    expect((await only("b2c", key)).status).toBe("Timeout");
    expect((await only("b2b", key)).status).toBe("Success");
  });

  // A real refusal by the database: a trigger that rejects one key (every column the parser fills is bounded, so no
  // value Daraja can send is too long for its column any more).
  test("a record the database refuses is quarantined alone; the rest of its batch is stored", async () => {
    const [a, bad, b] = [uniqueKey(), uniqueKey(), uniqueKey()];
    await db.sequelize.query(dialect === "mysql"
      ? `CREATE TRIGGER refuse_one BEFORE INSERT ON daraja_results FOR EACH ROW BEGIN IF NEW.result_key = '${bad}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF; END`
      : `CREATE TRIGGER refuse_one BEFORE INSERT ON daraja_results FOR EACH ROW WHEN NEW.result_key = '${bad}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    const tooLong = keyed("b2c_result_success", bad);
    expect(await store.writeBatch([keyed("b2c_result_failure", a), tooLong, keyed("b2c_result_failure", b)])).toEqual(["new", "quarantined", "new"]);
    expect((await resultRows(db, "b2c", bad)).length).toBe(0);
    expect((await resultRows(db, "b2c", a)).length + (await resultRows(db, "b2c", b)).length).toBe(2);
    const [log] = await select(db, "SELECT outcome, http_status, problems FROM callback_logs WHERE request_id = ?", [tooLong.request.id]);
    expect([log?.outcome, Number(log?.http_status)]).toEqual(["quarantined", 200]);
    expect(String(log?.problems)).toContain("(database)");
    expect(Number((await select(db, "SELECT COUNT(*) AS n FROM notifications"))[0]?.n)).toBe(2);
  });

  test("without an admin chat no notification is queued; with one, a timeout says so", async () => {
    const quiet = createResultStore(db, { notify: { adminChatId: null, receipts: true }, lowBalanceCents: 100_000_000 });
    await quiet.writeBatch([resultItem("b2c_result_success"), resultItem("b2c_queue_timeout")]);
    expect(Number((await select(db, "SELECT COUNT(*) AS n FROM notifications"))[0]?.n)).toBe(0);
    const key = uniqueKey();
    await store.writeBatch([keyed("reversal_queue_timeout", key)]);
    expect(await eventsOf(db, "reversal", key)).toEqual(["admin status:Timeout"]);
    const rows = await select(db, "SELECT recipient, status, attempts, request_id, next_attempt_at FROM notifications");
    expect(rows.map((r) => [r.recipient, r.status, Number(r.attempts)])).toEqual([[ADMIN, "pending", 0]]);
    expect(rows[0]?.next_attempt_at).not.toBeNull();
  });
});
