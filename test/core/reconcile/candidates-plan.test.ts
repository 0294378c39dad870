// How the reconciliation finds the payments to ask Daraja about: a query plan, not a timing. Both halves of the
// statement must be range reads (requests by created_at, stored payments by status): without the indexes of
// 011_reconcile_indexes they read payment_requests and transactions in full on every pass — 7.6 s with 2 million rows
// in each on MariaDB, past the 4 s query limit.
import { beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { candidatesQuery, findCandidates } from "../../../src/core/reconcile/reconcile-sql.ts";
import { toSqlUtc } from "../../../src/core/time.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";

const OLD = 3_000; // settled payments from long ago: what a table that has been in use for a while is made of

describe.each(await testDialects())("the reconciliation's candidates on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  const longAgo = toSqlUtc(new Date(Date.now() - 30 * 86_400_000));
  const recent = toSqlUtc(new Date(Date.now() - 3_600_000));

  beforeAll(async () => {
    const db = suite.db;
    for (let i = 0; i < OLD; i += 500) {
      const ids = Array.from({ length: 500 }, (_, k) => `ws_CO_PLANOLD${i + k}`);
      await db.sequelize.query(`INSERT INTO payment_requests (checkout_request_id, phone_number, amount, created_at) VALUES ${ids.map(() => "(?, '254700000001', 10, ?)").join(",")}`,
        { replacements: ids.flatMap((id) => [id, longAgo]) });
      await db.sequelize.query(`INSERT INTO transactions (checkout_request_id, status, result_code, created_at) VALUES ${ids.map(() => "(?, 'Success', '0', ?)").join(",")}`,
        { replacements: ids.flatMap((id) => [id, longAgo]) });
    }
    // Missing callbacks of the last hour: a request with no payment, and a stored Unknown with no request of ours.
    await db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount, created_at) VALUES ('ws_CO_PLANNEW1', '254700000001', 10, ?)", { replacements: [recent] });
    await db.sequelize.query("INSERT INTO transactions (checkout_request_id, status, result_code, created_at) VALUES ('ws_CO_PLANNEW2', 'Unknown', '7777', ?)", { replacements: [recent] });
    await db.sequelize.query(dialect === "mysql" ? "ANALYZE TABLE payment_requests, transactions" : "ANALYZE");
  });

  const query = { afterMs: 120_000, since: new Date(Date.now() - 3 * 86_400_000), limit: 500 };

  test("both halves read by index, not the whole table", async () => {
    const { sql, replacements } = candidatesQuery(suite.db, query);
    const explain = dialect === "mysql" ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
    const plan = await suite.db.sequelize.query<Record<string, unknown>>(explain + sql, { replacements, type: QueryTypes.SELECT });
    if (dialect === "mysql") {
      const reads = plan.filter((r) => !String(r.table).startsWith("<")).map((r) => `${String(r.table)} ${String(r.type)} ${String(r.key)}`);
      expect(reads.length).toBe(4); // requests, their payments; stored payments, their requests
      for (const read of reads) expect(read).not.toMatch(/ (ALL|index) /);
    } else {
      const steps = plan.map((r) => String(r.detail));
      expect(steps.some((d) => /^SEARCH pr USING INDEX ix_payment_requests_created_at/.test(d))).toBe(true);
      expect(steps.some((d) => /^SEARCH t USING (COVERING )?INDEX ix_transactions_status/.test(d))).toBe(true);
      expect(steps.filter((d) => /^SCAN (pr|t)\b/.test(d))).toEqual([]);
    }
  });

  test("and find the missing callbacks of the last hour, none of the old settled payments", async () => {
    expect((await findCandidates(suite.db, query)).map((c) => c.checkoutRequestId).sort()).toEqual(["ws_CO_PLANNEW1", "ws_CO_PLANNEW2"]);
  });
});
