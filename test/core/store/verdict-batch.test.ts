// The verdicts of a whole batch come from one join of its rows to our payment requests: each row meets its own
// request, in batches larger than one INSERT holds (SQLite: at most 500 rows in a compound SELECT), on both dialects.
import { describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { PAYMENTS_PER_INSERT } from "../../../src/core/store/callback-sql.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";

describe.each(await testDialects())("batch verdicts on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);

  const verdicts = async (ids: string[]) => {
    const rows = await suite.db.sequelize.query<{ id: string; verdict: string | null }>(
      `SELECT checkout_request_id AS id, verdict FROM transactions WHERE checkout_request_id IN (${ids.map(() => "?").join(",")})`,
      { replacements: ids, type: QueryTypes.SELECT });
    const byId = new Map(rows.map((r) => [r.id, r.verdict]));
    return ids.map((id) => (byId.has(id) ? byId.get(id) : "(missing)"));
  };

  test("a batch of more rows than one INSERT takes: every success gets the verdict of its own request", async () => {
    const size = PAYMENTS_PER_INSERT * 2 + 7;
    const ids = Array.from({ length: size }, () => uniqueId());
    // Row i: matched (our amount), mismatch (another amount), unsolicited (no request), a failure (no verdict).
    const expected = ids.map((_, i) => (["matched", "mismatch", "unsolicited", null] as const)[i % 4]);
    const requests = ids.flatMap((id, i) => (i % 4 === 0 ? [[id, "1500.00"]] : i % 4 === 1 ? [[id, "15.00"]] : []));
    await suite.db.sequelize.query(`INSERT INTO payment_requests (checkout_request_id, phone_number, amount) VALUES ${requests.map(() => "(?, '254700000001', ?)").join(",")}`,
      { replacements: requests.flat() });
    const store = createCallbackStore(suite.db);
    const outcomes = await store.writeBatch(ids.map((id, i) => item(i % 4 === 3 ? failure(id) : success(id, `R${i}${id.slice(-8)}`, 150000))));
    expect(outcomes).toEqual(ids.map(() => "new"));
    expect(await verdicts(ids)).toEqual(expected);
  });
});
