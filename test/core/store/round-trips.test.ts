// What a batch costs in round trips to a single MySQL server, counted at a TCP proxy between the stores and MariaDB
// (each query command is a round trip): a batch of new payments is one (START TRANSACTION, every write, COMMIT), a
// batch that meets stored payments two (its rows read and locked; every write and the COMMIT), and the committed
// rows are there for every other connection. A COMMIT (or a START TRANSACTION) of its own would be one more round trip
// per batch. Reading every
// user's number for hashed MSISDNs happens before a C2B batch's transaction, not while it holds its rows.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { createC2bStore } from "../../../src/core/store/c2b-store.ts";
import { createResultStore } from "../../../src/core/store/result-store.ts";
import { toItem } from "../../../src/core/ingest/ingest.ts";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../../support/databases.ts";
import { startTcpProxy, type TcpProxy } from "../../support/tcp-proxy.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";
import { resultItem, uniqueKey, withKey, bodyOf } from "./result-items.ts";

describe.if(await mysqlAvailable())("round trips of a batch on a single MySQL server", () => {
  let tdb: TestDatabase;
  let direct: Database; // another connection: sees only what was committed
  let proxy: TcpProxy;
  let db: Database; // the stores' database, through the proxy

  beforeAll(async () => {
    tdb = await createTestDatabase("mysql");
    if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
    direct = await openDatabase(tdb.target);
    await migrate(direct);
    proxy = startTcpProxy(tdb.target.host, tdb.target.port);
    db = await openDatabase({ ...tdb.target, hosts: undefined, port: proxy.port }, { pool: 2 });
  });
  afterAll(async () => {
    await db.close();
    proxy.stop();
    await direct.close();
    await tdb.drop();
  });
  beforeEach(() => {
    proxy.queries.length = 0;
  });

  // A C2B confirmation as the server builds its item.
  const confirmation = (transId: string, msisdn: string) => toItem({
    id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "127.0.0.1", family: "c2b-confirmation", route: "/c2b/confirmation",
    rawBody: JSON.stringify({ TransID: transId, TransAmount: "10.00", TransTime: "20250115120501", MSISDN: msisdn }),
  });
  const count = async (sql: string, values: unknown[]) =>
    Number((await direct.sequelize.query<{ n: unknown }>(sql, { replacements: values, type: QueryTypes.SELECT }))[0]?.n);
  // The queries a batch sent, with the pool's own connection set-up (SET SESSION …) left out.
  const batchQueries = () => proxy.queries.filter((q) => !q.startsWith("SET SESSION") && !q.startsWith("SELECT @@"));

  test("STK: a batch of new payments is one round trip, START TRANSACTION to COMMIT", async () => {
    const ids = [uniqueId(), uniqueId(), uniqueId()];
    const store = createCallbackStore(db);
    expect(await store.writeBatch([item(success(ids[0]!, `R${ids[0]!.slice(-9)}`)), item(success(ids[1]!, `R${ids[1]!.slice(-9)}`)), item(failure(ids[2]!))])).toEqual(["new", "new", "new"]);
    const queries = batchQueries();
    expect(queries.length).toBe(1);
    expect(queries[0]).toStartWith("START TRANSACTION");
    expect(queries[0]?.trimEnd()).toEndWith("COMMIT");
    expect(await count(`SELECT COUNT(*) AS n FROM transactions WHERE checkout_request_id IN (?, ?, ?)`, ids)).toBe(3);
  });

  test("STK: a batch that meets a stored payment is two: its rows read and locked, then every write and the COMMIT", async () => {
    const [stored, fresh] = [uniqueId(), uniqueId()];
    const store = createCallbackStore(db);
    await store.writeBatch([item(failure(stored))]);
    proxy.queries.length = 0;
    expect(await store.writeBatch([item(failure(stored)), item(failure(fresh))])).toEqual(["duplicate", "new"]);
    const queries = batchQueries();
    // The all-new try is skipped: the store committed `stored` a moment ago (RecentKeys).
    expect(queries.map((q) => q.split(/\s/)[0])).toEqual(["START", "INSERT"]);
    expect(queries[0]).toContain("FOR UPDATE");
    expect(queries[1]?.trimEnd()).toEndWith("COMMIT");
    expect(await count("SELECT COUNT(*) AS n FROM callback_logs WHERE checkout_request_id IN (?, ?)", [stored, fresh])).toBe(3);
  });

  test("C2B: the reads, then every write and the COMMIT", async () => {
    const transId = `X${uniqueId("").slice(-9)}`;
    expect(await createC2bStore(db).writeBatch([confirmation(transId, "254700000009")])).toEqual(["new"]);
    const queries = batchQueries();
    expect(queries.length).toBe(2);
    expect(queries[0]).toStartWith("START TRANSACTION");
    expect(queries[1]?.trimEnd()).toEndWith("COMMIT");
    expect(await count("SELECT COUNT(*) AS n FROM c2b_payments WHERE trans_id = ?", [transId])).toBe(1);
  });

  test("C2B with a hashed MSISDN: every user's number is read before the batch's transaction, never inside it", async () => {
    await direct.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES (700099, '254700000099', 'Hashed', 1)");
    const transId = `H${uniqueId("").slice(-9)}`;
    const msisdn = new Bun.CryptoHasher("sha256").update("254700000099").digest("hex");
    expect(await createC2bStore(db, { notify: { adminChatId: null, receipts: true } }).writeBatch([confirmation(transId, msisdn)])).toEqual(["new"]);
    const queries = batchQueries();
    const usersRead = queries.findIndex((q) => q.startsWith("SELECT phone_number, telegram_chat_id FROM users"));
    const opened = queries.findIndex((q) => q.startsWith("START TRANSACTION"));
    expect([usersRead >= 0, opened >= 0]).toEqual([true, true]);
    expect(usersRead).toBeLessThan(opened);
    expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE notification_type = 'receipt' AND recipient = '700099'", [])).toBe(1);
  });

  test("Results: the transaction opens with the first read, and the writes end with the COMMIT: no round trip of their own", async () => {
    const key = uniqueKey();
    expect(await createResultStore(db).writeBatch([resultItem("b2c_result_success", withKey(bodyOf("b2c_result_success"), key))])).toEqual(["new"]);
    const queries = batchQueries();
    expect(queries.filter((q) => q.trim() === "COMMIT" || q.trim() === "START TRANSACTION")).toEqual([]);
    // The result's row read and locked; our payout request read (the B2C verdict); every write and the COMMIT.
    expect(queries.length).toBe(3);
    expect(queries[0]).toMatch(/^START TRANSACTION;\s*SELECT .* FOR UPDATE$/s);
    expect(queries.at(-1)?.trimEnd()).toEndWith("COMMIT");
    expect(await count("SELECT COUNT(*) AS n FROM daraja_results WHERE originator_conversation_id = ?", [key])).toBe(1);
  });
});
