// MySQL: the prepared statements a connection keeps are bounded, so that varying batch sizes never exhaust the server's
// global max_prepared_stmt_count (every later statement would fail with error 1461).
import { describe, expect, test } from "bun:test";
import { PREPARED_STATEMENTS_PER_CONNECTION } from "../../../src/core/store/database.ts";
import { inList, runSql } from "../../../src/core/store/raw-sql.ts";
import { adminConnection, mysqlAvailable } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";

describe.skipIf(!(await mysqlAvailable()))("prepared statements on MySQL", () => {
  const suite = migratedDatabasePerSuite("mysql");

  const serverCount = async (): Promise<number> => {
    const admin = await adminConnection();
    try {
      const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
      return Number((rows as { Value: string }[])[0]?.Value);
    } finally {
      await admin.end();
    }
  };

  test(`a connection keeps at most ${PREPARED_STATEMENTS_PER_CONNECTION} open: older ones are closed on the server`, async () => {
    const before = await serverCount();
    const texts = PREPARED_STATEMENTS_PER_CONNECTION + 150; // one text per IN-list length, as batches of every size make
    await suite.db.sequelize.transaction(async (transaction) => {
      for (let n = 1; n <= texts; n++) {
        const ids = Array.from({ length: n }, (_, i) => i + 1);
        expect(await runSql(suite.db.dialect, transaction, `SELECT id FROM users WHERE id IN (${inList(n)})`, ids)).toEqual([]);
      }
    });
    const opened = (await serverCount()) - before;
    expect(opened).toBeGreaterThan(PREPARED_STATEMENTS_PER_CONNECTION - 20); // the statements really were prepared
    expect(opened).toBeLessThanOrEqual(PREPARED_STATEMENTS_PER_CONNECTION);
  });
});
