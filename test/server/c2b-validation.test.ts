// C2B validation through the real serve: each rule accepts and rejects with its documented code, every answer is
// recorded once, and a database that does not answer in time gets the fallback answer within the bound.
import { afterEach, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import mysql from "mysql2/promise";
import { c2bFixtures } from "../../src/core/daraja/c2b/fixtures.ts";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";
import { uniqueId } from "../support/callbacks.ts";
import { waitFor } from "../support/outbox.ts";

const RULES = {
  MPESA_CB_C2B_VALIDATION: "rules", MPESA_CB_SHORTCODES: "600000,600001", MPESA_CB_C2B_ACCOUNT_PATTERN: "INV-[0-9]{6}",
  MPESA_CB_C2B_MIN_AMOUNT: "10", MPESA_CB_C2B_MAX_AMOUNT: "1000.50",
};

const validation = (transId: string, o: Record<string, unknown> = {}) => JSON.stringify({
  TransactionType: "Pay Bill", TransID: transId, TransTime: "20250115120501", TransAmount: "250.00", BusinessShortCode: "600000",
  BillRefNumber: "INV-000123", InvoiceNumber: "", OrgAccountBalance: "", ThirdPartyTransID: "", MSISDN: "2547 ***** 001", FirstName: "T", ...o,
});

/** Services started by a suite, stopped (and their databases dropped) after each test. */
function services(dialect: "sqlite" | "mysql") {
  const running: Service[] = [];
  const dbs: TestDatabase[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    for (const d of dbs.splice(0)) await d.drop();
  });
  return async (env: Record<string, string> = {}) => {
    const tdb = await createTestDatabase(dialect);
    dbs.push(tdb);
    const s = await startTestService(tdb, env);
    running.push(s);
    return { s, tdb };
  };
}

async function ask(s: Service, body: string) {
  const res = await fetch(`${s.url}/c2b/validation`, { method: "POST", body, headers: { "content-type": "application/json" } });
  return { status: res.status, body: (await res.json()) as { ResultCode: string; ResultDesc: string; rule?: string; outcome?: string } };
}

const recorded = (s: Service, transId: string) => s.db.sequelize.query<{ accepted: number; result_code: string; rule: string; fallback: number }>(
  "SELECT accepted, result_code, rule, fallback FROM c2b_validations WHERE trans_id = ?", { replacements: [transId], type: QueryTypes.SELECT });

describe.each(await testDialects())("C2B validation on %s", (dialect) => {
  const start = services(dialect);

  test("accept mode (the default): the fixture is accepted, as documented, and recorded", async () => {
    const { s } = await start();
    const f = c2bFixtures.find((x) => x.name === "c2b_validation");
    const r = await ask(s, f?.body ?? "");
    expect([r.status, r.body.ResultCode, r.body.ResultDesc]).toEqual([200, "0", "Accepted"]);
    expect((await recorded(s, "FAKE0C2B01")).map((x) => [Number(x.accepted), x.result_code, x.rule])).toEqual([[1, "0", "accept-all"]]);
  });

  test("rules: each accepts and rejects with its code; the first answer per TransID is the one recorded", async () => {
    const { s } = await start(RULES);
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, "0", "rules-passed"],
      [{ BusinessShortCode: 600001 }, "0", "rules-passed"],
      [{ BusinessShortCode: "600099" }, "C2B00015", "shortcode"],
      [{ BillRefNumber: "INV-12345" }, "C2B00012", "account-pattern"],
      [{ BillRefNumber: "xINV-000123" }, "C2B00012", "account-pattern"],
      [{ TransAmount: "9.99" }, "C2B00013", "amount-min"],
      [{ TransAmount: 10 }, "0", "rules-passed"],
      [{ TransAmount: "1000.50" }, "0", "rules-passed"],
      [{ TransAmount: "1000.51" }, "C2B00013", "amount-max"],
    ];
    for (const [change, code, rule] of cases) {
      const id = `V${uniqueId("").slice(-9)}`;
      const r = await ask(s, validation(id, change));
      expect([JSON.stringify(change), r.status, r.body.ResultCode, r.body.ResultDesc, r.body.rule]).toEqual([JSON.stringify(change), 200, code, code === "0" ? "Accepted" : "Rejected", rule]);
      expect((await recorded(s, id)).map((x) => [x.result_code, x.rule])).toEqual([[code, rule]]);
    }
    const id = `V${uniqueId("").slice(-9)}`;
    await ask(s, validation(id, { TransAmount: "5" }));
    expect((await ask(s, validation(id))).body.outcome).toBe("duplicate");
    expect((await recorded(s, id)).map((x) => x.result_code)).toEqual(["C2B00013"]);
  });

  test("known accounts: an account in c2b_accounts passes, any other is C2B00012", async () => {
    const { s } = await start({ MPESA_CB_C2B_VALIDATION: "rules", MPESA_CB_C2B_KNOWN_ACCOUNTS: "on" });
    await s.db.sequelize.query("INSERT INTO c2b_accounts (account_number) VALUES ('ACC-1')");
    expect((await ask(s, validation(`K${uniqueId("").slice(-9)}`, { BillRefNumber: "ACC-1" }))).body).toMatchObject({ ResultCode: "0", rule: "known-account" });
    expect((await ask(s, validation(`K${uniqueId("").slice(-9)}`, { BillRefNumber: "ACC-2" }))).body).toMatchObject({ ResultCode: "C2B00012", rule: "known-account" });
  });

  test("a body without a TransID: 400 with a rejection code Daraja can read, kept in callback_logs", async () => {
    const { s } = await start();
    const marker = uniqueId("val");
    const r = await ask(s, JSON.stringify({ BillRefNumber: marker }));
    expect([r.status, r.body.ResultCode]).toEqual([400, "C2B00016"]);
    const logs = await s.db.sequelize.query<{ family: string }>("SELECT family FROM callback_logs WHERE raw_payload LIKE ?", { replacements: [`%${marker}%`], type: QueryTypes.SELECT });
    expect(logs).toEqual([{ family: "c2b-validation" }]);
  });
});

// A hang needs a server that can hold locks another session waits on: MariaDB (an embedded SQLite file answers or
// fails at once). CI runs it (MPESA_CB_REQUIRE_MYSQL=1).
describe.if((await testDialects()).includes("mysql"))("C2B validation on a MariaDB that hangs", () => {
  const start = services("mysql");

  test("a database that hangs: the fallback answers within the bound, and the answer is recorded once it is back", async () => {
    const { s, tdb } = await start({ MPESA_CB_C2B_VALIDATION: "rules", MPESA_CB_C2B_KNOWN_ACCOUNTS: "on", MPESA_CB_C2B_VALIDATION_TIMEOUT_MS: "1500", MPESA_CB_C2B_VALIDATION_FALLBACK: "reject" });
    if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
    // Another session holds both tables: the account lookup and the recording wait on its locks, as on a hung server.
    const locker = await mysql.createConnection({ host: tdb.target.host, port: tdb.target.port, user: tdb.target.user, password: tdb.target.password, database: tdb.target.database });
    await locker.query("LOCK TABLES c2b_accounts WRITE, c2b_validations WRITE, callback_logs WRITE");
    const id = `H${uniqueId("").slice(-9)}`;
    let r: Awaited<ReturnType<typeof ask>>;
    const started = performance.now();
    try {
      r = await ask(s, validation(id, { BillRefNumber: "ACC-1" }));
    } finally {
      await locker.query("UNLOCK TABLES");
      await locker.end();
    }
    const tookMs = performance.now() - started;
    expect([r.status, r.body.ResultCode, r.body.rule, r.body.outcome]).toEqual([200, "C2B00016", "known-account", "pending"]);
    expect(tookMs).toBeLessThan(1500 + 500); // the bound, plus an HTTP round trip on a busy machine
    await waitFor(async () => (await recorded(s, id)).length === 1, "the fallback answer recorded");
    expect((await recorded(s, id)).map((x) => [x.result_code, Number(x.fallback)])).toEqual([["C2B00016", 1]]);
  }, 30_000);
});
