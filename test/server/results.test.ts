// Result-family callbacks (B2C, B2B, status, balance, reversal results and their queue timeouts) through the real
// serve, on SQLite and MariaDB: the answer Daraja gets, the row each fixture becomes, exactly once, the order of a
// timeout and its result, and no secret of an echoed request kept anywhere.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { resultFixtures, type ResultExpectation } from "../../src/core/daraja/result/fixtures.ts";
import type { Service } from "../../src/server/service.ts";
import { testDialects } from "../support/databases.ts";
import { servicesPerTest } from "../support/services-per-test.ts";
import { uniqueId, utcIso } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/outbox.ts";

const TOKEN = "7373:RESULT-test_token";
const ADMIN = "-100737373";
const fake = FakeTelegram.start(TOKEN);
afterAll(() => fake.stop());

// The echoed request's encrypted initiator password and user name, as the fixture carries them.
const echo = resultFixtures.find((f) => f.name === "b2c_queue_timeout_request_echo");
const ECHO_SECRETS = (() => {
  const body = JSON.parse(echo?.body ?? "{}") as Record<string, string>;
  return [body.SecurityCredential, body.InitiatorName].filter((s): s is string => typeof s === "string" && s.length > 3);
})();

/** A B2C result or timeout with fresh ids, for the state-rule tests. */
const b2c = (kind: "result" | "timeout", originator: string, o: { code?: number; amount?: number } = {}) => JSON.stringify({
  Result: {
    ResultType: kind === "timeout" ? 1 : 0, ResultCode: o.code ?? (kind === "timeout" ? 1 : 0),
    ResultDesc: kind === "timeout" ? "The service request has timed out." : "The service request is processed successfully.",
    OriginatorConversationID: originator, ConversationID: `AG_${originator}`, TransactionID: kind === "timeout" ? "" : `R${originator.slice(-9)}`,
    ...(kind === "result" && (o.code ?? 0) === 0 ? { ResultParameters: { ResultParameter: [
      { Key: "TransactionAmount", Value: o.amount ?? 500 }, { Key: "TransactionReceipt", Value: `R${originator.slice(-9)}` },
      { Key: "ReceiverPartyPublicName", Value: "254700000004 - TEST RECIPIENT" }, { Key: "TransactionCompletedDateTime", Value: "15.01.2025 12:30:45" },
    ] } } : {}),
  },
});

describe.each(await testDialects())("Result callbacks on %s", (dialect) => {
  const startService = servicesPerTest(dialect, () => (fake.delivered.length = 0));
  const start = (telegram = false) => startService(telegram ? { TELEGRAM_BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot } : {});
  const post = (s: Service, path: string, body: string) => fetch(`${s.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const answer = async (s: Service, path: string, body: string) => {
    const res = await post(s, path, body);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const rows = (s: Service, api: string, key: string) => s.db.sequelize.query<Record<string, unknown>>(
    `SELECT api, result_key, originator_conversation_id, conversation_id, transaction_id, result_code, status, superseded_status, amount,
      credit_party, debit_party, completed_at, parameters, conflict_count FROM daraja_results WHERE api = ? AND result_key = ?`,
    { replacements: [api, key], type: QueryTypes.SELECT });
  const events = (s: Service) => s.db.sequelize.query<{ kind: string; event_key: string }>(
    "SELECT notification_type AS kind, event_key FROM notifications WHERE daraja_result_id IS NOT NULL ORDER BY id", { type: QueryTypes.SELECT });

  test("every Result fixture: Accepted after commit (400 for the malformed one), the row as documented", async () => {
    const s = await start();
    for (const f of resultFixtures) {
      const route = `/${f.route}s/${f.api}`;
      const got = await answer(s, route, f.body);
      if ("rejected" in f.expected) {
        expect([f.name, got.status]).toEqual([f.name, 400]);
        expect((got.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...f.expected.rejected].sort());
        continue;
      }
      const e: ResultExpectation = f.expected;
      expect([f.name, got.status, got.body]).toEqual([f.name, 200, { ResultCode: 0, ResultDesc: "Accepted", OriginatorConversationID: e.originatorConversationId, ConversationID: e.conversationId, outcome: "new" }]);
      const [row, more] = await rows(s, f.api, e.key);
      expect(more).toBeUndefined();
      expect([f.name, row?.status, row?.result_code ?? null, row?.transaction_id ?? null, row?.amount === null ? null : Math.round(Number(row?.amount) * 100),
        row?.credit_party ?? null, row?.debit_party ?? null, utcIso(row?.completed_at), JSON.parse(String(row?.parameters ?? "{}"))])
        .toEqual([f.name, e.status, e.resultCode, e.transactionId, e.amountCents, e.creditParty, e.debitParty, e.completedAtUtc, e.parameters]);
    }
    const logs = await s.db.sequelize.query<{ family: string; outcome: string; n: number }>(
      "SELECT family, outcome, COUNT(*) AS n FROM callback_logs GROUP BY family, outcome ORDER BY family, outcome", { type: QueryTypes.SELECT });
    expect(Number(logs.find((l) => l.family === "b2c-result" && l.outcome === "rejected")?.n)).toBe(1);
    expect(logs.reduce((sum, l) => sum + Number(l.n), 0)).toBe(resultFixtures.length);
  });

  test("a balance result: one account_balances row per account, in cents", async () => {
    const s = await start();
    const f = resultFixtures.find((x) => x.name === "account_balance_result");
    if (f === undefined || "rejected" in f.expected) throw new Error("no account balance fixture");
    expect((await answer(s, "/results/balance", f.body)).status).toBe(200);
    const accounts = await s.db.sequelize.query<Record<string, unknown>>(
      `SELECT b.account_type, b.currency, b.current_cents, b.available_cents, b.reserved_cents, b.uncleared_cents FROM account_balances b
        JOIN daraja_results r ON r.id = b.daraja_result_id WHERE r.api = 'balance' AND r.result_key = ? ORDER BY b.id`,
      { replacements: [f.expected.key], type: QueryTypes.SELECT });
    expect(accounts.map((a) => [a.account_type, a.currency, Number(a.current_cents), Number(a.available_cents), Number(a.reserved_cents), Number(a.uncleared_cents)]))
      .toEqual((f.expected.accounts ?? []).map((a) => [a.name, a.currency, a.currentCents, a.availableCents, a.reservedCents, a.unclearedCents]));
  });

  test("a timeout that echoes the request: its SecurityCredential and initiator are kept nowhere", async () => {
    expect(ECHO_SECRETS.length).toBe(2);
    const s = await start();
    expect((await answer(s, "/timeouts/b2c", echo?.body ?? "")).status).toBe(200);
    const logs = await s.db.sequelize.query<{ raw_payload: string }>("SELECT raw_payload FROM callback_logs WHERE family = 'b2c-timeout'", { type: QueryTypes.SELECT });
    expect(logs.length).toBe(1);
    expect(logs[0]?.raw_payload).toContain("[redacted]");
    const stored = JSON.stringify([logs, await s.db.sequelize.query("SELECT * FROM daraja_results", { type: QueryTypes.SELECT })]);
    for (const secret of ECHO_SECRETS) expect(stored).not.toContain(secret);
  });

  test("a timeout, then its result: one row, the result wins, the late-result alert exactly once", async () => {
    const s = await start(true);
    const id = uniqueId("test-b2c-");
    expect((await answer(s, "/timeouts/b2c", b2c("timeout", id))).body.outcome).toBe("new");
    expect((await answer(s, "/results/b2c", b2c("result", id))).body.outcome).toBe("late-result");
    expect((await answer(s, "/results/b2c", b2c("result", id))).body.outcome).toBe("duplicate");
    const [row, more] = await rows(s, "b2c", id);
    expect(more).toBeUndefined();
    expect([row?.status, row?.superseded_status]).toEqual(["Success", "Timeout"]);
    expect((await events(s)).filter((e) => e.event_key === "late-result").length).toBe(1);
  });

  test("a result, then a timeout for it: a conflict that changes nothing", async () => {
    const s = await start();
    const id = uniqueId("test-b2c-");
    expect((await answer(s, "/results/b2c", b2c("result", id, { code: 2040 }))).body.outcome).toBe("new");
    expect((await answer(s, "/timeouts/b2c", b2c("timeout", id))).body.outcome).toBe("conflict");
    const [row] = await rows(s, "b2c", id);
    expect([row?.status, row?.result_code, Number(row?.conflict_count)]).toEqual(["Failed", "2040", 1]);
  });

  test("a different final outcome never overwrites the stored one", async () => {
    const s = await start();
    const id = uniqueId("test-b2c-");
    expect((await answer(s, "/results/b2c", b2c("result", id))).body.outcome).toBe("new");
    expect((await answer(s, "/results/b2c", b2c("result", id, { code: 1 }))).body.outcome).toBe("conflict");
    const [row] = await rows(s, "b2c", id);
    expect([row?.status, row?.result_code, Math.round(Number(row?.amount) * 100)]).toEqual(["Success", "0", 50000]);
  });

  test("50 concurrent copies of a timeout, then 50 of its result: one row; each alert exactly once", async () => {
    const s = await start(true);
    const id = uniqueId("test-b2c-");
    const burst = async (path: string, body: string) => {
      const got = await Promise.all(Array.from({ length: 50 }, () => answer(s, path, body)));
      expect(got.every((g) => g.status === 200)).toBe(true);
      return got.map((g) => g.body.outcome);
    };
    const timeouts = await burst("/timeouts/b2c", b2c("timeout", id));
    expect([timeouts.filter((o) => o === "new").length, timeouts.filter((o) => o === "duplicate").length]).toEqual([1, 49]);
    const results = await burst("/results/b2c", b2c("result", id));
    expect([results.filter((o) => o === "late-result").length, results.filter((o) => o === "duplicate").length]).toEqual([1, 49]);
    expect((await rows(s, "b2c", id)).length).toBe(1);
    const queued = (await events(s)).map((e) => `${e.kind} ${e.event_key}`);
    expect(queued.filter((e) => e === "admin status:Timeout").length).toBe(1);
    expect(queued.filter((e) => e === "conflict late-result").length).toBe(1);
    expect(new Set(queued).size).toBe(queued.length);
    await waitFor(async () => fake.delivered.length >= queued.length, "every queued result alert delivered");
    const health = (await (await fetch(`${s.url}/health`)).json()) as { families: Record<string, Record<string, number>> };
    expect([health.families["b2c-timeout"]?.new, health.families["b2c-timeout"]?.duplicate, health.families["b2c-result"]?.["late-result"], health.families["b2c-result"]?.duplicate])
      .toEqual([1, 49, 1, 49]);
  });
});
