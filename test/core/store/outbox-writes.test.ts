// Outbox rows are written in the callback's own transaction: which rows, for whom, and never twice (SQLite and MariaDB).
import { beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../../src/core/store/database.ts";
import { createCallbackStore, type CallbackStore } from "../../../src/core/store/callback-store.ts";
import { outboxStatements } from "../../../src/core/store/outbox-sql.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";

const ADMIN = "-100777";
const notify = { adminChatId: ADMIN, receipts: true };

describe.each(await testDialects())("outbox rows on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  let store: CallbackStore;
  let chat = 5_000_000;

  beforeAll(async () => {
    store = createCallbackStore(suite.db, { notify });
  });

  const rowsFor = async (id: string) =>
    (await suite.db.sequelize.query<Record<string, unknown>>(
      "SELECT notification_type, recipient, event_key, status FROM notifications WHERE checkout_request_id = ?",
      { replacements: [id], type: QueryTypes.SELECT },
    )).map((r) => `${r.notification_type} ${r.recipient} ${r.event_key} ${r.status}`).sort();
  const addUser = async (phone: string | null, active = true): Promise<{ id: number; chat: string }> => {
    const c = String(++chat);
    await suite.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES (?, ?, 'Amina', ?)", { replacements: [c, phone, active ? 1 : 0] });
    const [u] = await suite.db.sequelize.query<{ id: number }>("SELECT id FROM users WHERE telegram_chat_id = ?", { replacements: [c], type: QueryTypes.SELECT });
    return { id: Number(u?.id), chat: c };
  };
  const phoneFor = async (c: string) =>
    String((await suite.db.sequelize.query<{ p: string }>("SELECT phone_number AS p FROM users WHERE telegram_chat_id = ?", { replacements: [c], type: QueryTypes.SELECT }))[0]?.p);
  const phoneOf = (n: number) => `2547${String(n).padStart(8, "0")}`;
  const paid = (id: string, phone: string) => ({ ...success(id, `R${id.slice(-9)}`), phone });

  test("a success: an admin alert and a receipt to the user who asked for the payment", async () => {
    const id = uniqueId();
    const user = await addUser(null);
    await suite.db.sequelize.query("INSERT INTO payment_requests (user_id, checkout_request_id, account_reference) VALUES (?, ?, 'INV-1')", { replacements: [user.id, id] });
    expect(await store.writeBatch([item(paid(id, "254799999999"))])).toEqual(["new"]);
    expect(await rowsFor(id)).toEqual([`admin ${ADMIN} status:Success pending`, `receipt ${user.chat} status:Success pending`]);
  });

  test("else the receipt goes to the active user with the payment's phone number, as 07…, 254… or +254…", async () => {
    const n = Math.floor(Math.random() * 1e8);
    await addUser(`0${phoneOf(n).slice(3)}`, false); // inactive: never
    const local = await addUser(`0${phoneOf(n).slice(3)}`);
    const id = uniqueId();
    await store.writeBatch([item(paid(id, phoneOf(n)))]);
    expect(await rowsFor(id)).toEqual([`admin ${ADMIN} status:Success pending`, `receipt ${local.chat} status:Success pending`]);
    const exact = await addUser(phoneOf(n)); // an exact match wins over a suffix match
    const id2 = uniqueId();
    await store.writeBatch([item(paid(id2, phoneOf(n)))]);
    expect(await rowsFor(id2)).toEqual([`admin ${ADMIN} status:Success pending`, `receipt ${exact.chat} status:Success pending`]);
    const m = Math.floor(Math.random() * 1e8);
    const plus = await addUser(`+${phoneOf(m)}`);
    const id3 = uniqueId();
    await store.writeBatch([item(paid(id3, phoneOf(m)))]);
    expect(await rowsFor(id3)).toEqual([`admin ${ADMIN} status:Success pending`, `receipt ${plus.chat} status:Success pending`]);
  });

  test("a receipt's payer found by phone is looked up through the index on users.phone_number, not by reading every user", async () => {
    // A query plan, not a timing: the lookup used to be one IN list of outer references, which MariaDB can only answer by
    // reading the whole users table, once per receipt whose payment request names no user.
    for (let i = 0; i < 200; i++) await addUser(phoneOf(90_000_000 + i));
    if (dialect === "mysql") await suite.db.sequelize.query("ANALYZE TABLE users");
    const id = uniqueId();
    await createCallbackStore(suite.db).writeBatch([item(paid(id, phoneOf(90_000_000)))]); // no payment request: found by phone
    const [statement] = outboxStatements(dialect, [{ checkoutRequestId: id, kind: "receipt", eventKey: "status:Success", requestId: "plan" }], ADMIN);
    const explain = dialect === "mysql" ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
    const plan = await suite.db.sequelize.query<Record<string, unknown>>(explain + statement!.sql, { replacements: statement!.values, type: QueryTypes.SELECT });
    const usersSteps = dialect === "mysql"
      ? plan.filter((r) => r.table === "u").map((r) => `${String(r.type)} ${String(r.key)}`)
      : plan.map((r) => String(r.detail)).filter((d) => / u\b/.test(d));
    expect(usersSteps.length).toBeGreaterThanOrEqual(4); // the request's user, then each form of the phone number
    for (const step of usersSteps) expect(step).toMatch(dialect === "mysql" ? /^(ref|eq_ref) / : /^SEARCH u USING (INDEX|INTEGER PRIMARY KEY|COVERING INDEX)/);
  });

  test("an unknown payer gets no receipt; a failure gets an admin alert only", async () => {
    const [a, b] = [uniqueId(), uniqueId()];
    await store.writeBatch([item(paid(a, "254711111112")), item(failure(b))]);
    expect(await rowsFor(a)).toEqual([`admin ${ADMIN} status:Success pending`]);
    expect(await rowsFor(b)).toEqual([`admin ${ADMIN} status:Cancelled pending`]);
  });

  test("duplicates queue nothing; each conflict queues its own alert; a late success its receipt", async () => {
    const id = uniqueId();
    const user = await addUser(phoneOf(Math.floor(Math.random() * 1e8)));
    const cancel = failure(id);
    expect(await store.writeBatch([item(cancel), item(cancel)])).toEqual(["new", "duplicate"]);
    expect(await store.writeBatch([item(cancel), item(paid(id, await phoneFor(user.chat)))])).toEqual(["duplicate", "late-success"]);
    expect(await store.writeBatch([item(failure(id, "1037", "Timeout")), item(cancel)])).toEqual(["conflict", "conflict"]);
    expect(await rowsFor(id)).toEqual([
      `admin ${ADMIN} status:Cancelled pending`, `conflict ${ADMIN} conflict:1 pending`, `conflict ${ADMIN} conflict:2 pending`,
      `conflict ${ADMIN} conflict:3 pending`, `receipt ${user.chat} status:Success pending`,
    ]);
  });
  test("notifications off: no rows; no ADMIN_CHAT_ID: receipts only", async () => {
    const user = await addUser(phoneOf(Math.floor(Math.random() * 1e8)));
    const phone = await phoneFor(user.chat);
    const [a, b] = [uniqueId(), uniqueId()];
    await createCallbackStore(suite.db).writeBatch([item(paid(a, phone))]);
    await createCallbackStore(suite.db, { notify: { adminChatId: null, receipts: true } }).writeBatch([item(paid(b, phone))]);
    expect(await rowsFor(a)).toEqual([]);
    expect(await rowsFor(b)).toEqual([`receipt ${user.chat} status:Success pending`]);
  });

  test("20 copies of a success at once, split between two processes' stores: one alert, one receipt", async () => {
    const id = uniqueId();
    const user = await addUser(phoneOf(Math.floor(Math.random() * 1e8)));
    const cb = paid(id, await phoneFor(user.chat));
    const otherDb = await openDatabase(suite.tdb.target);
    const stores = [store, createCallbackStore(otherDb, { notify })];
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.writeBatch([item(cb)]))).finally(() => otherDb.close());
    expect(outcomes.flat().sort()).toEqual([...new Array(19).fill("duplicate"), "new"]);
    expect(await rowsFor(id)).toEqual([`admin ${ADMIN} status:Success pending`, `receipt ${user.chat} status:Success pending`]);
  });

  test("a batch of 300 successes (600 events, more than SQLite's 500-term compound SELECT) is stored in one go", async () => {
    const payer = await addUser("254700000001");
    const ids = Array.from({ length: 300 }, () => uniqueId());
    expect(outboxStatements(dialect, ids.flatMap((k) => [{ checkoutRequestId: k, kind: "admin" as const, eventKey: "status:Success", requestId: k }]), ADMIN).length).toBe(2);
    const outcomes = await store.writeBatch(ids.map((id, i) => item(success(id, `B${i}${id.slice(-9)}`))));
    expect(outcomes.every((o) => o === "new")).toBe(true);
    const [n] = await suite.db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM notifications WHERE recipient = ? AND checkout_request_id IN (${ids.map(() => "?").join(",")})`,
      { replacements: [payer.chat, ...ids], type: QueryTypes.SELECT });
    expect(Number(n?.n)).toBe(300);
  });

  test("the unique key: the same event queued again is skipped without an error; another event is not", async () => {
    const id = uniqueId();
    await createCallbackStore(suite.db).writeBatch([item(failure(id))]);
    const queue = (eventKey: string) => suite.db.sequelize.transaction(async (transaction) => {
      for (const s of outboxStatements(dialect, [{ checkoutRequestId: id, kind: "conflict", eventKey, requestId: crypto.randomUUID() }], ADMIN)) {
        await suite.db.sequelize.query(s.sql, { replacements: s.values, transaction });
      }
    });
    await queue("conflict:1");
    await queue("conflict:1");
    await queue("conflict:2");
    expect(await rowsFor(id)).toEqual([`conflict ${ADMIN} conflict:1 pending`, `conflict ${ADMIN} conflict:2 pending`]);
  });
});
