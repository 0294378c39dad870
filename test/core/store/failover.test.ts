// Database failover without a restart: two TCP proxies to the machine's MariaDB stand for two cluster nodes "db1" and
// "db2"; db1 is cut (a dead node) or hung (accepts, never answers: a SIGSTOPped node) and the pool moves to db2.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { QueryTypes } from "sequelize";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../../support/databases.ts";
import { IDLE_TRANSACTION_S, LOCK_WAIT_S, openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { describeDatabase, parseDatabaseUrl, type MysqlTarget } from "../../../src/core/database-url.ts";
import { classifyFailure } from "../../../src/core/store/db-errors.ts";
import { isAppError } from "../../../src/core/errors.ts";
import { startTestService } from "../../support/service.ts";
import { streamCallbacks } from "../../support/callback-stream.ts";
import { uniqueId } from "../../support/callbacks.ts";
import { waitFor } from "../../support/wait-for.ts";
import { DatabaseError } from "sequelize";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";
import { claimCheck, findDue } from "../../../src/core/confirm/confirm-sql.ts";
import { insertPendingSuccess } from "../../support/confirm-db.ts";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { item, success } from "../../support/callbacks.ts";
import { COM_QUERY } from "../../support/tcp-proxy.ts";

/**
 * A node in front of MariaDB: `cut` drops every connection and refuses new ones; `hang` keeps them, answers nothing;
 * `notReady` answers every query with Galera's 1047 (as a node out of the primary component does), logins still pass.
 */
interface Node {
  port: number;
  cut(): void;
  hang(): void;
  notReady(): void;
  /** The next query whose text starts with `prefix` is answered with `packet` instead of reaching MariaDB. */
  answerOnce(prefix: string, packet: Buffer): void;
  /** The next query whose text contains `text` reaches MariaDB, then the node hangs: no answer, no further command. */
  hangAfter(text: string): void;
  stop(): void;
}

// A MySQL ERR packet: length (3 bytes), sequence 1, 0xFF, the error number, '#', the SQLSTATE, the message.
function errPacket(errno: number, sqlState: string, message: string): Buffer {
  const body = Buffer.concat([Buffer.from([0xff, errno & 0xff, errno >> 8]), Buffer.from(`#${sqlState}${message}`)]);
  const head = Buffer.from([body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, 1]);
  return Buffer.concat([head, body]);
}
const NOT_READY = errPacket(1047, "08S01", "WSREP has not yet prepared node for application use");
// What the node whose commit lost certification answers (another node's write to the same rows committed first).
const CERTIFICATION_FAILED = errPacket(1213, "40001", "Deadlock found when trying to get lock; try restarting transaction");

interface Pair { client: Socket<Pair>; upstream?: Socket<Pair>; early: Buffer[] }

function startNode(target: MysqlTarget): Node {
  const pairs = new Set<Pair>();
  let hung = false;
  let ready = true;
  let once: { prefix: string; packet: Buffer } | null = null;
  let hangOn: string | null = null;
  let mute = false; // answers from MariaDB are dropped (hangAfter): the client waits, the server has done the work
  const listener: TCPSocketListener<Pair> = Bun.listen<Pair>({
    hostname: "127.0.0.1", port: 0,
    socket: {
      open(client) {
        const pair: Pair = { client, early: [] };
        client.data = pair;
        pairs.add(pair);
        if (hung) return; // accepted by the kernel, never served: as a stopped mysqld
        void Bun.connect<Pair>({
          hostname: target.host, port: target.port, data: pair,
          socket: {
            open(up) { pair.upstream = up; for (const b of pair.early.splice(0)) up.write(b); },
            data(_up, chunk) { if (!hung && !mute) pair.client.write(chunk); },
            close() { if (!hung) pair.client.end(); },
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        if (hung) return;
        const pair = client.data;
        const command = chunk[3] === 0; // a new exchange; later chunks of one large packet carry no header of their own
        if (mute && command) return void (hung = true); // the command after the hung one (a ROLLBACK): never arrives
        if (hangOn !== null && command && chunk[4] === COM_QUERY && Buffer.from(chunk).subarray(5).toString().includes(hangOn)) {
          hangOn = null;
          mute = true;
        }
        // A command starts a new exchange (sequence 0); a login's packets have later sequence numbers.
        if (!ready && chunk[3] === 0 && chunk[4] === COM_QUERY) return void client.write(NOT_READY);
        if (once && chunk[3] === 0 && chunk[4] === COM_QUERY && Buffer.from(chunk).subarray(5).toString().trimStart().startsWith(once.prefix)) {
          client.write(once.packet);
          once = null;
          return;
        }
        if (pair.upstream) pair.upstream.write(chunk);
        else pair.early.push(Buffer.from(chunk));
      },
      close(client) { if (!hung && !mute) client.data.upstream?.end(); pairs.delete(client.data); },
    },
  });
  const dropAll = () => {
    for (const p of pairs) { p.client.terminate(); p.upstream?.terminate(); }
    pairs.clear();
  };
  return {
    port: listener.port,
    cut() { listener.stop(true); dropAll(); },
    hang() { hung = true; },
    notReady() { ready = false; },
    answerOnce(prefix, packet) { once = { prefix, packet }; },
    hangAfter(text) { hangOn = text; },
    stop() { listener.stop(true); dropAll(); },
  };
}

// What ingest does with a batch's failure: a database failure is spooled (the callbacks are kept); anything else is a bug.
function spooledOrWhy(e: unknown): string {
  return isAppError(e) && e.kind === "database" ? "spooled" : `not spooled: ${String(e)}`;
}

function urlThrough(tdb: TestDatabase, nodes: Node[]): string {
  const t = tdb.target as MysqlTarget;
  return tdb.url.replace(`@${t.host}:${t.port}/`, `@${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}/`);
}

function targetOf(url: string): MysqlTarget {
  const parsed = parseDatabaseUrl(url, "test");
  if (!parsed.ok || parsed.value.dialect !== "mysql") throw new Error(`not a mysql URL: ${url}`);
  return parsed.value;
}

describe("DATABASE_URL with a list of hosts", () => {
  test.each([
    ["mysql://u:p%40ss@db1:3306,db2:3307,db3/mp", { host: "db1", port: 3306, hosts: [{ host: "db1", port: 3306 }, { host: "db2", port: 3307 }, { host: "db3", port: 3306 }] }, "mysql://u:***@db1:3306,db2:3307,db3:3306/mp"],
    ["mysql://u:p%40ss@[::1]:3310,db2/mp", { host: "::1", port: 3310, hosts: [{ host: "::1", port: 3310 }, { host: "db2", port: 3306 }] }, "mysql://u:***@[::1]:3310,db2:3306/mp"],
    ["mysql://u:p%40ss@db1:3306/mp", { host: "db1", port: 3306, hosts: undefined }, "mysql://u:***@db1:3306/mp"],
  ])("%s", (url, want, described) => {
    const t = targetOf(url);
    expect({ host: t.host, port: t.port, hosts: t.hosts }).toEqual(want);
    expect([t.user, t.password, t.database]).toEqual(["u", "p@ss", "mp"]);
    expect(describeDatabase(t)).toBe(described);
  });

  test.each(["mysql://u@db1,,db2/mp", "mysql://u@db1:x,db2/mp", "mysql://u@db1,db2:99999/mp", "mysql://u@db1,db2/"])("%s is refused, with an example", (url) => {
    const r = parseDatabaseUrl(url, "DATABASE_URL");
    expect(r.ok).toBe(false);
    expect(JSON.stringify(!r.ok && r.problems)).toContain("mysql://user:password@db1:3306,db2:3306/mpesa");
  });
});

describe("Galera's answers are classified", () => {
  // What mysql2 gives for a node not ready and for a certification conflict raised at COMMIT, wrapped by sequelize.
  const driverError = (code: string, errno: number, sqlMessage: string) =>
    new DatabaseError(Object.assign(new Error(sqlMessage), { code, errno, sqlMessage, sql: "COMMIT" }) as never);
  test.each([
    ["ER_UNKNOWN_COM_ERROR", 1047, "WSREP has not yet prepared node for application use", "unavailable"],
    ["ER_LOCK_DEADLOCK", 1213, "Deadlock found when trying to get lock; try restarting transaction", "transient"],
    ["PROTOCOL_SEQUENCE_TIMEOUT", 0, "Query inactivity timeout", "unavailable"],
    // A node out of the primary component, at COMMIT: the batch goes to the spool, not to quarantine.
    ["ER_ERROR_DURING_COMMIT", 1180, "Error while appending streaming replication fragment(provider status: Not connected to Primary Component)", "unavailable"],
  ])("%s (%d) is %s", (code, errno, message, kind) => {
    expect(classifyFailure(driverError(code, errno, message))).toBe(kind as ReturnType<typeof classifyFailure>);
  });
});

describe.if(await mysqlAvailable())("failover between two nodes (MariaDB behind two proxies)", () => {
  let tdb: TestDatabase;
  let nodes: Node[] = [];
  let db: Database | undefined;

  beforeAll(async () => {
    tdb = await createTestDatabase("mysql");
    const m = await openDatabase(tdb.target);
    await migrate(m);
    await m.close();
  });
  afterEach(async () => {
    await db?.close().catch(() => {});
    db = undefined;
    for (const n of nodes) n.stop();
    nodes = [];
  });
  afterAll(async () => {
    await tdb.drop();
  });

  const open = async (o: { queryTimeoutMs?: number; connectTimeoutMs?: number } = {}) => {
    nodes = [startNode(tdb.target as MysqlTarget), startNode(tdb.target as MysqlTarget)];
    const lines: string[] = [];
    db = await openDatabase(targetOf(urlThrough(tdb, nodes)), { ...o, log: (l) => lines.push(l) });
    return { db, lines, node1: `127.0.0.1:${nodes[0]?.port}`, node2: `127.0.0.1:${nodes[1]?.port}` };
  };
  const ping = (d: Database) => d.sequelize.query("SELECT COUNT(*) AS n FROM schema_migrations", { type: QueryTypes.SELECT });

  test("the description lists every node, without the password", async () => {
    const { db: d, node1, node2 } = await open();
    expect(d.description).toBe(`mysql://${(tdb.target as MysqlTarget).user}:***@${node1},${node2}/${(tdb.target as MysqlTarget).database}`);
    expect(d.currentHost?.()).toBe(node1);
  });

  test("db1 dies: the next query runs on db2, and the move is logged", async () => {
    const { db: d, lines, node1, node2 } = await open();
    await ping(d);
    nodes[0]?.cut();
    await waitFor(async () => (await ping(d).then(() => true, () => false)), { what: "a query answered after db1 died" });
    expect(d.currentHost?.()).toBe(node2);
    expect(lines.join("\n")).toContain(`database node ${node1} failed`);
    expect(lines.join("\n")).toContain(`moving to ${node2}`);
  });

  test("db1 hangs (accepts, never answers): a query fails within the query timeout, the next runs on db2", async () => {
    const { db: d, node2 } = await open({ queryTimeoutMs: 500, connectTimeoutMs: 500 });
    await ping(d);
    nodes[0]?.hang();
    const started = performance.now();
    const first = await ping(d).then(() => "answered", (e: unknown) => classifyFailure(e));
    expect(first).toBe("unavailable"); // the query on the hung connection: bounded, and spooled by ingest
    expect(performance.now() - started).toBeLessThan(5_000);
    await ping(d);
    expect(d.currentHost?.()).toBe(node2);
  });

  test("db1 hangs inside a batch's transaction: its locks end with the server's idle limit, the batch is then stored through db2", async () => {
    const { db: d, node2 } = await open();
    const store = createCallbackStore(d);
    const id = uniqueId("ws_CO_ZOMBIE");
    const cb = success(id, `Z${id.slice(-9)}`, 1500);
    await d.sequelize.query("INSERT INTO transactions (checkout_request_id, status) VALUES (?, 'Pending')", { replacements: [id] });
    // The batch meets its stored payment (Pending), so it reads and locks that row first: START TRANSACTION and the
    // SELECT … FOR UPDATE reach the server through db1, which then hangs. The server keeps that transaction open,
    // holding the row, as it would for a client behind a dead network. (A hang after the writes leaves nothing open:
    // on a single server the COMMIT travels with them.)
    nodes[0]?.hangAfter("FOR UPDATE");
    const first = await store.writeBatch([item(cb)]).then(() => "stored", spooledOrWhy);
    expect(first).toBe("spooled");
    expect(d.currentHost?.()).toBe(node2);
    // Through db2 the same row waits on that lock: lock waits of LOCK_WAIT_S, tried again, then spooled (never
    // quarantined), until MariaDB ends the abandoned transaction after IDLE_TRANSACTION_S.
    const started = performance.now();
    const attempts: string[] = [];
    const giveUp = started + (IDLE_TRANSACTION_S + 15) * 1000;
    while (attempts.at(-1) === undefined || (attempts.at(-1) === "spooled" && performance.now() < giveUp)) {
      attempts.push(await store.writeBatch([item(cb)]).then((o) => o.join(), spooledOrWhy));
    }
    const waited = performance.now() - started;
    expect(attempts.at(-1)).toBe("new"); // the Pending row became the success: its first outcome
    expect(attempts.slice(0, -1).every((a) => a === "spooled")).toBe(true);
    // The row was held until the server ended the abandoned transaction, IDLE_TRANSACTION_S after its last statement
    // (a query timeout, 4 s or more under load, before `started`), and not much longer; unheld, this takes milliseconds.
    expect(waited).toBeGreaterThan((IDLE_TRANSACTION_S - 10) * 1000);
    expect(waited).toBeLessThan((IDLE_TRANSACTION_S + 15) * 1000);
    const [row] = await d.sequelize.query<{ n: number; status: string }>("SELECT COUNT(*) AS n, MAX(status) AS status FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
    expect([Number(row?.n), row?.status]).toEqual([1, "Success"]);
  }, (IDLE_TRANSACTION_S + 60) * 1000);

  test("a key locked by another transaction for longer than every retry: the batch is unavailable (spooled), not quarantined", async () => {
    const { db: d } = await open();
    const id = uniqueId("ws_CO_LOCKED");
    const holder = await adminConnection();
    try {
      await holder.query(`USE \`${(tdb.target as MysqlTarget).database}\``);
      await holder.query("START TRANSACTION");
      await holder.query("INSERT INTO transactions (checkout_request_id, status) VALUES (?, 'Pending')", [id]);
      const started = performance.now();
      const outcome = await createCallbackStore(d).writeBatch([item(success(id, `L${id.slice(-9)}`, 1500))]).then((o) => o.join(), spooledOrWhy);
      expect(outcome).toBe("spooled");
      expect(performance.now() - started).toBeGreaterThan(LOCK_WAIT_S * 1000); // it did wait on the lock, and gave up
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    const [row] = await d.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM callback_logs WHERE checkout_request_id = ? AND outcome = 'quarantined'", { replacements: [id], type: QueryTypes.SELECT });
    expect(Number(row?.n)).toBe(0);
  }, 60_000);

  test("db1 answers 1047 (not ready): the query fails as unavailable (spooled by ingest), the next runs on db2", async () => {
    const { db: d, lines, node1, node2 } = await open();
    await ping(d);
    nodes[0]?.notReady();
    const first = await ping(d).then(() => "answered", (e: unknown) => classifyFailure(e));
    expect(first).toBe("unavailable");
    await ping(d);
    expect(d.currentHost?.()).toBe(node2);
    expect(lines.join("\n")).toContain(`database node ${node1} failed (ER_UNKNOWN_COM_ERROR: WSREP has not yet prepared node for application use)`);
  });

  test("a claim that loses at COMMIT (Galera's 1213) is no claim, not an error: the outbox and the confirmer try later", async () => {
    const { db: d } = await open();
    const id = uniqueId("ws_CO_CERT");
    await createCallbackStore(d, { notify: { adminChatId: "-10042", receipts: false } }).writeBatch([item(success(id, `C${id.slice(-9)}`, 1500))]);
    const queue = createOutboxQueue(d);
    nodes[0]?.answerOnce("COMMIT", CERTIFICATION_FAILED);
    expect(await queue.claim("node-a", 10, 60_000)).toEqual([]); // rolled back: nothing claimed
    expect((await queue.claim("node-b", 10, 60_000)).length).toBeGreaterThan(0); // and still there to claim

    const pending = uniqueId("ws_CO_CERT");
    await insertPendingSuccess(d, pending);
    const [due] = (await findDue(d, { limit: 100, firstDelayMs: 0, maxAgeMs: 3_600_000 })).filter((r) => r.checkoutRequestId === pending);
    if (due === undefined) throw new Error("the pending success is not due");
    nodes[0]?.answerOnce("UPDATE transactions SET verify_attempts", CERTIFICATION_FAILED);
    expect(await claimCheck(d, due, 60_000)).toBe(false);
    expect(await claimCheck(d, due, 60_000)).toBe(true);
  });

  test("db1 already hung when the pool opens: the connect times out and db2 takes the connection", async () => {
    nodes = [startNode(tdb.target as MysqlTarget), startNode(tdb.target as MysqlTarget)];
    nodes[0]?.hang();
    db = await openDatabase(targetOf(urlThrough(tdb, nodes)), { connectTimeoutMs: 500 });
    await ping(db);
    expect(db.currentHost?.()).toBe(`127.0.0.1:${nodes[1]?.port}`);
  });
});

describe.if(await mysqlAvailable())("serve with two database nodes, under a stream of callbacks", () => {
  const what = { cut: "dies", hang: "hangs", notReady: "answers 1047 (not ready)" } as const;
  // A node that hangs may do so inside a batch's transaction: both "nodes" here lead to one server, which keeps that
  // transaction (and its row locks on the batch's keys) open until MariaDB's idle_transaction_timeout ends it
  // (database.ts); the spool's replay of those callbacks through db2 waits for it, on a lock wait of its own, spooled
  // again meanwhile — never on the hung node, never quarantined.
  for (const fault of ["cut", "hang", "notReady"] as const) {
    test(`db1 ${what[fault]}: every acknowledged callback stored once, 200s go on, healthy on db2`, async () => {
      const tdb = await createTestDatabase("mysql");
      const nodes = [startNode(tdb.target as MysqlTarget), startNode(tdb.target as MysqlTarget)];
      const service = await startTestService({ ...tdb, url: urlThrough(tdb, nodes) });
      try {
        const prefix = uniqueId(`ws_CO_FO${fault}`);
        const stream = streamCallbacks(() => service.url, prefix, { clients: 6, durationMs: 5_000 });
        await waitFor(() => stream.result.acked.length >= 50, { what: "callbacks acknowledged before the fault" });
        nodes[0]?.[fault]();
        const result = await stream.done;
        let health: { status: string; database: { node?: string }; spool: { depth: number }; callbacks: { spooled: number } } | undefined;
        await waitFor(async () => {
          health = (await fetch(`${service.url}/health`).then((r) => r.json())) as typeof health;
          return health?.status === "healthy" && health.spool.depth === 0;
        }, { what: "healthy with an empty spool", timeoutMs: 60_000, intervalMs: 200 });
        const rows = await service.db.sequelize.query<{ id: string; n: number }>(
          "SELECT checkout_request_id AS id, COUNT(*) AS n FROM transactions WHERE checkout_request_id LIKE ? GROUP BY checkout_request_id",
          { replacements: [`${prefix}%`], type: QueryTypes.SELECT });
        const stored = new Map(rows.map((r) => [r.id, Number(r.n)]));
        const lost = result.acked.filter((id) => !stored.has(id));
        const doubled = [...stored.values()].filter((n) => n > 1).length;
        const afterFault = result.acked.length;
        console.log(`failover (${fault}): sent ${result.sent}, acknowledged ${afterFault}, spooled ${health?.callbacks.spooled}, stored ${stored.size}, lost ${lost.length}, doubled ${doubled}; answers ${JSON.stringify(result.statuses)}`);
        expect(lost).toEqual([]);
        expect(doubled).toBe(0);
        expect(Object.keys(result.statuses)).toEqual(["200"]); // no 503, no 500, no client timeout
        expect(service.db.currentHost?.()).toBe(`127.0.0.1:${nodes[1]?.port}`);
        expect(health?.database.node).toBe(`127.0.0.1:${nodes[1]?.port}`); // /health says which node serves
      } finally {
        await service.stop();
        for (const n of nodes) n.stop();
        await tdb.drop();
      }
    }, 90_000);
  }
});
