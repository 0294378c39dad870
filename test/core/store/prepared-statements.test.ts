// MySQL: the prepared statements a connection keeps are bounded, so that varying batch sizes never exhaust the server's
// global max_prepared_stmt_count (every later statement would fail with error 1461).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openDatabase, PREPARED_STATEMENTS_PER_CONNECTION, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { inList, runSql } from "../../../src/core/store/raw-sql.ts";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../../support/databases.ts";

describe.skipIf(!(await mysqlAvailable()))("prepared statements on MySQL", () => {
  let tdb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase("mysql");
    db = await openDatabase(tdb.target);
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

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
    await db.sequelize.transaction(async (transaction) => {
      for (let n = 1; n <= texts; n++) {
        const ids = Array.from({ length: n }, (_, i) => i + 1);
        expect(await runSql(db.dialect, transaction, `SELECT id FROM users WHERE id IN (${inList(n)})`, ids)).toEqual([]);
      }
    });
    const opened = (await serverCount()) - before;
    expect(opened).toBeGreaterThan(PREPARED_STATEMENTS_PER_CONNECTION - 20); // the statements really were prepared
    expect(opened).toBeLessThanOrEqual(PREPARED_STATEMENTS_PER_CONNECTION);
  });
});
