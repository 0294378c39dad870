// Opens the database through sequelize: MySQL/MariaDB with mysql2, or the embedded SQLite file over bun:sqlite.
// With several MySQL hosts (a Galera cluster), the pool uses one node at a time and moves to the next when it dies,
// hangs or says it is not ready; connections to a node it left are dropped as they come back to the pool.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { QueryTypes, Sequelize } from "sequelize";
import mysql2 from "mysql2";
import { sqliteAdapter } from "./sqlite-adapter.ts";
import { describeDatabase, type DatabaseTarget } from "../database-url.ts";
import { AppError } from "../errors.ts";
import { createFailover, type Conn } from "./db-failover.ts";
import { reason } from "./db-errors.ts";

export { reason } from "./db-errors.ts"; // where it always was, for its many callers

export type Dialect = DatabaseTarget["dialect"];

export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  description: string; // for log lines: no password
  close(): Promise<void>;
  /** A Galera cluster node (wsrep_on): a transaction may be rolled back by another node's write (see callback-store). */
  galera?: boolean;
  /** The node the pool uses now (MySQL), for health and logs; the SQLite path otherwise. */
  currentHost?(): string;
  /** Runs `work` with no per-query time limit (MySQL): migrations may rebuild big tables. */
  withoutQueryTimeout?<T>(work: () => Promise<T>): Promise<T>;
}

export interface OpenOptions {
  pool?: number; // MySQL connections; the batch writer needs one, health checks and the outbox a few more
  connectTimeoutMs?: number;
  /**
   * MySQL: a query with no answer for this long fails (and its connection is dropped), so that a hung node is
   * left like a dead one instead of holding callbacks forever; 0 for none. Default 4 s: Daraja waits about 5 s
   * for an answer, and a callback still in time for the spool is not lost. Migrations run without it.
   */
  queryTimeoutMs?: number;
  log?: (line: string) => void; // told when the pool moves to another node
}

/**
 * Prepared statements mysql2 keeps open on one connection (least recently used closed first). Batches prepare a text
 * per IN-list length and row count, so the texts run into thousands; mysql2's default of 16,000 per connection would
 * let one pool of 8 pass the server's global max_prepared_stmt_count (16,382 by default, shared by every client) after
 * enough traffic, and then every new statement fails (error 1461). 256 × the pool stays far below it, for several
 * instances on one server.
 */
export const PREPARED_STATEMENTS_PER_CONNECTION = 256;

/** Makes `dir` and its missing parents mode 0700, whatever the umask; a directory that exists is left as it is. */
export function ensurePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  for (let d = resolve(dir); d.length >= resolve(first).length; d = dirname(d)) chmodSync(d, 0o700);
}

/** The SQLite file holds payments: created 0600 (SQLite gives its -wal and -shm files the same mode). */
function createPrivateFile(path: string): void {
  ensurePrivateDir(dirname(path));
  closeSync(openSync(path, "a", 0o600)); // an empty file is an empty SQLite database
  chmodSync(path, 0o600);
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  if (target.dialect === "sqlite" && target.path !== ":memory:") {
    try {
      if (!existsSync(target.path)) createPrivateFile(target.path);
    } catch (cause) {
      throw new AppError("host", `cannot create the SQLite file ${target.path}: ${reason(cause)}`, {
        cause, hint: "check that its directory is writable for the user mpesa-cb runs as (MPESA_CB_DATA_DIR, --data-dir, or --db sqlite:PATH)",
      });
    }
  }
  // dialectModule always: sequelize loads drivers by a computed name that the bundler cannot see.
  const failover = target.dialect === "mysql" ? createFailover(target, options) : undefined;
  const sequelize =
    target.dialect === "sqlite"
      ? new Sequelize({ dialect: "sqlite", storage: target.path, dialectModule: sqliteAdapter, logging: false })
      : new Sequelize(target.database, target.user, target.password, {
          dialect: "mysql", dialectModule: mysql2, host: target.host, port: target.port, logging: false,
          timezone: "+00:00", // DATETIME and TIMESTAMP columns hold UTC (DESIGN.md promise 6)
          // validate: on acquire, a connection to a node the pool has left is dropped, not used.
          pool: { max: options.pool ?? 4, min: 0, acquire: 10_000, idle: 30_000, validate: (c: unknown) => failover?.usable(c as Conn) ?? true },
          dialectOptions: {
            connectTimeout: options.connectTimeoutMs ?? 5_000, decimalNumbers: false, supportBigNumbers: true, bigNumberStrings: true,
            multipleStatements: true, // the batch's writes in one round trip (raw-sql.ts onScriptConnection); every value is escaped by mysql2
            maxPreparedStatements: PREPARED_STATEMENTS_PER_CONNECTION,
          },
          hooks: { afterConnect: (connection) => setSession(connection) },
        });
  failover?.attach(sequelize);
  if (target.dialect === "mysql") boundDisconnect(sequelize);
  const description = describeDatabase(target);
  try {
    await sequelize.authenticate();
  } catch (cause) {
    await sequelize.close().catch(() => {});
    // SQLite is a local file: only a person can fix it (78). A MySQL server may come back by itself (69).
    throw new AppError(target.dialect === "sqlite" ? "host" : "database", `cannot open the database ${description}: ${reason(cause)}`, {
      cause,
      hint: target.dialect === "sqlite"
        ? "check that the data directory exists and is writable (MPESA_CB_DATA_DIR or --data-dir)"
        : "check that MySQL is running and reachable, and the DATABASE_URL or DB_HOST/DB_USER/DB_PASSWORD/DB_NAME settings",
    });
  }
  const galera = target.dialect === "mysql" && (await isGalera(sequelize));
  return {
    sequelize, dialect: target.dialect, description, galera, close: () => sequelize.close(),
    currentHost: () => failover?.currentHost() ?? description,
    withoutQueryTimeout: (work) => failover?.unbounded(work) ?? work(),
  };
}

// Closing a connection politely (COM_QUIT) waits for the server: to a node that hangs it never ends, and closing the
// pool (serve's stop) hung with it. After 1 s the connection is destroyed instead.
function boundDisconnect(sequelize: Sequelize): void {
  const manager = (sequelize as unknown as { connectionManager: { disconnect(c: unknown): Promise<void> } }).connectionManager;
  const polite = manager.disconnect.bind(manager);
  manager.disconnect = async (connection) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        (connection as { destroy?(): void }).destroy?.();
        resolve();
      }, 1_000);
    });
    try {
      await Promise.race([polite(connection), forced]);
    } finally {
      clearTimeout(timer);
    }
  };
}

// MariaDB with wsrep on is a Galera node; plain MariaDB says OFF, and MySQL has no such variable.
async function isGalera(sequelize: Sequelize): Promise<boolean> {
  const rows = await sequelize.query<{ Value?: string }>("SHOW VARIABLES LIKE 'wsrep_on'", { type: QueryTypes.SELECT }).catch(() => []);
  return String(rows[0]?.Value ?? "").toUpperCase() === "ON";
}

/**
 * A transaction whose client vanished mid-way (a node or proxy that hangs, a network that drops everything) stays open
 * on the server, holding its row locks, until the server notices: hours with the defaults. Those locks blocked the
 * spool's replay of the same callbacks through a healthy node for as long (test/core/store/failover.test.ts, "db1
 * hangs"). MariaDB ends such a transaction after IDLE_TRANSACTION_S idle (ours are never idle between statements);
 * MySQL has no such setting.
 */
export const IDLE_TRANSACTION_S = 20;
/**
 * A row lock waited for longer than this is an error of its own (ER_LOCK_WAIT_TIMEOUT, tried again, then spooled):
 * under the 4 s query limit, so that waiting on a lock is never taken for a node that hangs (which made the pool leave
 * a healthy node).
 */
export const LOCK_WAIT_S = 3;

// Once per connection rather than a round trip per transaction: READ COMMITTED takes no gap locks, so concurrent
// writers meet only on the unique keys they really share.
function setSession(connection: unknown): Promise<void> {
  const c = connection as { _isMariaDB?: boolean; query(sql: string, cb: (e: Error | null) => void): void };
  const idle = c._isMariaDB === true ? `, SESSION idle_transaction_timeout = ${IDLE_TRANSACTION_S}` : "";
  const sql = `SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; SET SESSION innodb_lock_wait_timeout = ${LOCK_WAIT_S}${idle}`;
  return new Promise((resolve, reject) => c.query(sql, (e) => (e ? reject(e) : resolve())));
}
