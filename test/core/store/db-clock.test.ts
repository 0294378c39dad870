// The database's UTC clock, built in one place for both dialects: leases, due times and ages all read it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { join } from "node:path";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { plusValue, secondsSinceSql, utcNowSql, utcPlusSql } from "../../../src/core/store/db-clock.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../../support/databases.ts";
import { utcIso } from "../../support/callbacks.ts";

describe.each(await testDialects())("the database clock on %s", (dialect) => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    db = await openDatabase(tdb.target);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  const one = async (sql: string, replacements: unknown[] = []) =>
    (await db.sequelize.query<{ v: unknown }>(`SELECT ${sql} AS v`, { replacements, type: QueryTypes.SELECT }))[0]?.v;
  const msFromNow = (v: unknown) => Date.parse(utcIso(v) ?? "") - Date.now();

  test("now is UTC, with milliseconds", async () => {
    expect(Math.abs(msFromNow(await one(utcNowSql(dialect))))).toBeLessThan(5_000);
  });

  test.each([90_000, -90_000, 1_500])("now %p ms", async (ms) => {
    expect(Math.abs(msFromNow(await one(utcPlusSql(dialect), [plusValue(dialect, ms)])) - ms)).toBeLessThan(5_000);
  });

  test("seconds since a time the same clock wrote, and since a TIMESTAMP column's default", async () => {
    const [past] = [plusValue(dialect, -120_000)];
    const age = Number(await one(secondsSinceSql(dialect, utcPlusSql(dialect)), [past]));
    expect(Math.abs(age - 120)).toBeLessThanOrEqual(5);
    // MySQL sessions run at +00:00 (database.ts), so a TIMESTAMP column (created_at) reads as UTC like this clock.
    await db.sequelize.query("CREATE TABLE clock_probe (id INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    await db.sequelize.query("INSERT INTO clock_probe (id) VALUES (1)");
    const [row] = await db.sequelize.query<{ age: unknown }>(`SELECT ${secondsSinceSql(dialect, "created_at")} AS age FROM clock_probe`, { type: QueryTypes.SELECT });
    expect(Math.abs(Number(row?.age))).toBeLessThanOrEqual(5);
  });
});

// One of each (issue 10): the database's clock is written in db-clock.ts and nowhere else.
test("no other source file builds the database's clock", async () => {
  const src = join(import.meta.dir, "../../../src");
  const offenders: string[] = [];
  for await (const file of new Glob("**/*.ts").scan(src)) {
    if (file === "core/store/db-clock.ts") continue;
    const text = await Bun.file(join(src, file)).text();
    if (/UTC_TIMESTAMP|NOW\(\)|'now'/.test(text)) offenders.push(file);
  }
  expect(offenders.sort()).toEqual([]);
});
