// In a describe block: a fresh database of one dialect, opened and migrated before its tests, closed and dropped
// after them. Read `db` inside hooks and tests; a suite's own set-up goes in a beforeAll registered after this call.
import { afterAll, beforeAll } from "bun:test";
import { openDatabase, type Database } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./databases.ts";

export function migratedDatabasePerSuite(dialect: TestDialect): { readonly db: Database; readonly tdb: TestDatabase } {
  let tdb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    db = await openDatabase(tdb.target);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });
  const opened = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("the suite's database is opened in beforeAll: read it inside hooks and tests");
    return v;
  };
  return { get db() { return opened(db); }, get tdb() { return opened(tdb); } };
}
