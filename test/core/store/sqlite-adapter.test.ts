// The bun:sqlite adapter, driven through sequelize's sqlite dialect against real files in a temp dir.
import { afterAll, afterEach, expect, test } from "bun:test";
import { Database as BunDatabase } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataTypes, QueryTypes, Sequelize, TimeoutError, Transaction, UniqueConstraintError } from "sequelize";
import sqliteAdapter, { Database, OPEN_CREATE, OPEN_READWRITE } from "../../../src/core/store/sqlite-adapter.ts";

const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-sqlite-adapter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let opened: Sequelize[] = [];
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
});

let files = 0;
async function openTemp(): Promise<{ sequelize: Sequelize; storage: string }> {
  const storage = join(dir, `db-${++files}.sqlite`);
  const sequelize = new Sequelize({ dialect: "sqlite", storage, dialectModule: sqliteAdapter, logging: false });
  opened.push(sequelize);
  await sequelize.query("CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, amount INTEGER)");
  return { sequelize, storage };
}

const names = (s: Sequelize) =>
  s.query<{ name: string }>("SELECT name FROM items ORDER BY id", { type: QueryTypes.SELECT }).then((rows) => rows.map((r) => r.name));

test("inserts with ? replacements and $ bind parameters, and selects them back", async () => {
  const { sequelize } = await openTemp();
  await sequelize.query("INSERT INTO items (name, amount) VALUES (?, ?)", { replacements: ["it's", 100] });
  await sequelize.query("INSERT INTO items (name, amount) VALUES ($name, $amount)", { bind: { name: "named", amount: 200 } });
  await sequelize.query("INSERT INTO items (name, amount) VALUES ($1, $2)", { bind: ["numbered", null] });
  const rows = await sequelize.query("SELECT name, amount FROM items WHERE amount >= $min OR amount IS NULL ORDER BY id", {
    bind: { min: 150 }, type: QueryTypes.SELECT,
  });
  expect(rows).toEqual([{ name: "named", amount: 200 }, { name: "numbered", amount: null }]);
  expect(await names(sequelize)).toEqual(["it's", "named", "numbered"]);
});

test("an INSERT query answers with lastID and changes", async () => {
  const { sequelize } = await openTemp();
  await sequelize.query("INSERT INTO items (name) VALUES ('a'), ('b')", { type: QueryTypes.INSERT });
  expect(await sequelize.query("INSERT INTO items (name) VALUES ('c'), ('d'), ('e')", { type: QueryTypes.INSERT })).toEqual([5, 3]);
});

test("a model's bulkCreate learns the generated ids (sequelize reads them from the Statement)", async () => {
  const { sequelize } = await openTemp();
  const Item = sequelize.define("Item", { name: DataTypes.STRING, amount: DataTypes.INTEGER }, { tableName: "items", timestamps: false });
  await Item.create({ name: "first" });
  const made = await Item.bulkCreate([{ name: "x" }, { name: "y" }]);
  expect(made.map((m) => m.get("id"))).toEqual([2, 3]);
});

test("a managed transaction commits, and one that throws rolls back", async () => {
  const { sequelize } = await openTemp();
  await sequelize.transaction(async (transaction) => {
    await sequelize.query("INSERT INTO items (name) VALUES ('kept')", { transaction });
  });
  const boom = new Error("boom");
  const failed = sequelize.transaction(async (transaction) => {
    await sequelize.query("INSERT INTO items (name) VALUES ('dropped')", { transaction });
    throw boom;
  });
  expect(failed).rejects.toBe(boom);
  await failed.catch(() => {});
  expect(await names(sequelize)).toEqual(["kept"]);
});

test("a unique violation surfaces as sequelize's UniqueConstraintError naming the column", async () => {
  const { sequelize } = await openTemp();
  await sequelize.query("INSERT INTO items (name) VALUES ('twice')");
  const error = await sequelize.query("INSERT INTO items (name) VALUES ('twice')").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UniqueConstraintError);
  expect((error as UniqueConstraintError).errors.map((e) => e.path)).toEqual(["name"]);
});

test("every connection, the shared one and a transaction's own, is WAL, synchronous FULL, foreign keys on, busy_timeout 0", async () => {
  const { sequelize } = await openTemp();
  const settings = (transaction?: Transaction) =>
    Promise.all(["journal_mode", "synchronous", "foreign_keys", "busy_timeout"].map((p) =>
      sequelize.query<Record<string, unknown>>(`PRAGMA ${p}`, { type: QueryTypes.SELECT, transaction }).then((rows) => Object.values(rows[0] ?? {})[0])));
  const expected = ["wal", 2, 1, 0];
  expect(await settings()).toEqual(expected);
  expect(await sequelize.transaction((transaction) => settings(transaction))).toEqual(expected);
});

test.each([Transaction.TYPES.DEFERRED, Transaction.TYPES.IMMEDIATE])("two %s transactions writing the same file both commit", async (type) => {
  const { sequelize } = await openTemp();
  const events: string[] = [];
  let firstWrote!: () => void;
  const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
  const first = sequelize.transaction({ type }, async (transaction) => {
    await sequelize.query("INSERT INTO items (name) VALUES ('first')", { transaction });
    firstWrote();
    await Bun.sleep(100); // hold the write lock while the second one tries
    events.push("first commits");
  });
  await wrote;
  const second = sequelize.transaction({ type }, async (transaction) => {
    await sequelize.query("INSERT INTO items (name) VALUES ('second')", { transaction });
    events.push("second wrote");
  });
  await Promise.all([first, second]);
  expect(events).toEqual(["first commits", "second wrote"]); // so the second one did meet the lock
  expect(await names(sequelize)).toEqual(["first", "second"]);
});

test("waits for a lock held by another process without blocking the event loop, and gives up after about 5 s", async () => {
  const { sequelize, storage } = await openTemp();
  const other = new BunDatabase(storage);
  other.run("BEGIN IMMEDIATE");
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  setTimeout(() => other.run("COMMIT"), 200); // could never fire if the wait blocked
  await sequelize.query("INSERT INTO items (name) VALUES ('after the lock')");
  expect(ticks).toBeGreaterThanOrEqual(10);
  other.run("BEGIN IMMEDIATE");
  const started = Date.now();
  const error = await sequelize.query("INSERT INTO items (name) VALUES ('never')").catch((e: unknown) => e);
  clearInterval(ticker);
  other.run("ROLLBACK");
  other.close();
  expect(error).toBeInstanceOf(TimeoutError); // sequelize's name for SQLITE_BUSY
  expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  expect(await names(sequelize)).toEqual(["after the lock"]);
}, 10_000);

test("callbacks run after the call returns, on success and on error", async () => {
  const calls: string[] = [];
  const db = await new Promise<Database>((resolve, reject) => {
    const made: Database = new Database(join(dir, "direct.sqlite"), OPEN_READWRITE | OPEN_CREATE, (err) => (err ? reject(err) : resolve(made)));
    calls.push("constructor returned");
  });
  const done = (name: string) => new Promise<void>((resolve) => {
    const callback = function (this: unknown, err: Error | null, value?: unknown) {
      calls.push(`${name}: ${err ? "error" : JSON.stringify(value)}`);
      resolve();
    };
    if (name === "bad sql") db.all("SELEC 1", callback);
    else db.get("SELECT 1 AS x", [], callback);
    calls.push(`${name} returned`);
  });
  await done("select");
  await done("bad sql");
  await new Promise<void>((resolve) => db.close(() => resolve()));
  expect(calls).toEqual(["constructor returned", "select returned", 'select: {"x":1}', "bad sql returned", "bad sql: error"]);
});

test("offers what sequelize uses and no more: read-write files, no half-supported read-only mode", () => {
  expect(Object.keys(sqliteAdapter).sort()).toEqual(["Database", "OPEN_CREATE", "OPEN_READWRITE", "Statement"]);
});
