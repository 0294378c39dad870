// The adapter keeps parameterised statements prepared on their handle: reused ones give fresh answers, also after a
// statement failed, when more distinct texts than it keeps go by, and on a handle that went idle and came back.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../../src/core/store/sqlite-adapter.ts";

const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-sqlite-statements-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;
function call(db: Database, method: "all" | "run", sql: string, params: unknown[] = []): Promise<Row[] | { changes?: number }> {
  return new Promise((resolve, reject) => {
    db[method](sql, params, function (this: { changes?: number }, err: Error | null, rows?: unknown) {
      if (err) reject(err);
      else resolve(method === "all" ? (rows as Row[]) : { changes: this.changes });
    });
  });
}
const close = (db: Database) => new Promise<void>((resolve) => db.close(() => resolve()));

test("a kept statement answers each call with its own values, also after it failed on a unique key", async () => {
  const db = new Database(join(dir, "a.sqlite"));
  await call(db, "run", "CREATE TABLE t (k TEXT NOT NULL UNIQUE)");
  const insert = "INSERT INTO t (k) SELECT ? UNION ALL SELECT ?";
  await call(db, "run", insert, ["a", "b"]);
  await expect(call(db, "run", insert, ["c", "a"])).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
  await call(db, "run", insert, ["d", "e"]);
  const select = "SELECT k FROM t WHERE k IN (?, ?) ORDER BY k";
  expect(await call(db, "all", select, ["a", "d"])).toEqual([{ k: "a" }, { k: "d" }]);
  expect(await call(db, "all", select, ["e", "c"])).toEqual([{ k: "e" }]); // the failed statement left nothing behind
  await close(db);
});

test("more distinct statements than a handle keeps, then the first again; the handle reused after close", async () => {
  const path = join(dir, "b.sqlite");
  const db = new Database(path);
  await call(db, "run", "CREATE TABLE n (v INTEGER)");
  for (let i = 0; i < 100; i++) await call(db, "run", `INSERT INTO n (v) VALUES (? + ${i})`, [1000]);
  expect(await call(db, "all", "SELECT COUNT(*) AS c, SUM(v) AS s FROM n WHERE v >= ?", [0])).toEqual([{ c: 100, s: 100 * 1000 + 4950 }]);
  await call(db, "run", "INSERT INTO n (v) VALUES (? + 0)", [7]); // evicted long ago: prepared again
  await close(db); // the handle goes idle with its statements
  const again = new Database(path);
  expect(await call(again, "all", "SELECT COUNT(*) AS c FROM n WHERE v = ?", [7])).toEqual([{ c: 1 }]);
  await close(again);
});
