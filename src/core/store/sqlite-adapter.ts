// The part of the `sqlite3` package API that sequelize's sqlite dialect calls, over Bun's built-in bun:sqlite.
import { Database as BunDatabase, constants, type SQLQueryBindings, type Statement as BunStatement } from "bun:sqlite";

type Params = unknown[] | Record<string, unknown>;
type Callback = (this: Statement, err: Error | null, value?: unknown) => void;

export const OPEN_READWRITE = constants.SQLITE_OPEN_READWRITE;
export const OPEN_CREATE = constants.SQLITE_OPEN_CREATE;

const BUSY_LIMIT_MS = 5_000;
// Not SQLITE_BUSY_SNAPSHOT: the transaction read a stale snapshot and only a rollback can help.
const RETRYABLE = new Set(["SQLITE_BUSY", "SQLITE_BUSY_RECOVERY"]);
// Every connection writes (sequelize opens read-write, and nothing here reads only): WAL always.
const PRAGMAS_ON_OPEN = [
  "PRAGMA busy_timeout = 0", // SQLite's own busy wait would block the event loop: retryWhileBusy waits instead
  "PRAGMA journal_mode = WAL", // readers do not block the writer
  "PRAGMA synchronous = FULL", // an acknowledged callback must survive a power cut
  "PRAGMA foreign_keys = ON",
].join(";");

/** What sqlite3 passes to a callback as `this`; sequelize reads lastID and changes from it. */
export class Statement {
  declare lastID?: number;
  declare changes?: number;
}
// sequelize's query.js tests `metaData.constructor.name === "Statement"`, and --minify renames classes.
Object.defineProperty(Statement, "name", { value: "Statement" });

/** Runs `work` again after a short random pause while another connection holds the lock, for at most 5 s. */
async function retryWhileBusy<T>(work: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_LIMIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
    try {
      return work();
    } catch (e) {
      if (!RETRYABLE.has((e as { code?: string }).code ?? "") || Date.now() >= deadline) throw e;
    }
    await Bun.sleep(1 + Math.random() * pause); // random, so that two waiting connections do not collide again
  }
}

const isParams = (v: unknown): v is Params =>
  Array.isArray(v) || (typeof v === "object" && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v)));

/** sqlite3 call shapes: (sql, cb), (sql, [a, b], cb), (sql, {$a: 1}, cb) and (sql, a, b, cb). */
function splitArgs(args: unknown[]): [Params, Callback | undefined] {
  const callback = typeof args.at(-1) === "function" ? (args.pop() as Callback) : undefined;
  return [args.length === 1 && isParams(args[0]) ? args[0] : args, callback];
}

function toBindings(params: Params): SQLQueryBindings[] {
  const bindable = (v: unknown) => (v instanceof Date ? v.getTime() : (v ?? null)) as SQLQueryBindings; // as sqlite3 does
  if (Array.isArray(params)) return params.map(bindable);
  // sequelize already writes the keys with their prefix ($name), which bun:sqlite expects outside strict mode.
  return [Object.fromEntries(Object.entries(params).map(([k, v]) => [k, bindable(v)])) as SQLQueryBindings];
}

// Sequelize opens a connection per transaction and closes it after: keep a few closed-by-sequelize handles open
// for the next one, so that a transaction does not pay for a file open and the pragmas (one writer, many commits).
const IDLE_PER_FILE = 4;
const idleHandles = new Map<string, BunDatabase[]>();

function takeIdle(key: string): BunDatabase | undefined {
  return idleHandles.get(key)?.pop();
}

function putIdle(key: string, db: BunDatabase): boolean {
  const list = idleHandles.get(key) ?? [];
  if (key.startsWith(":memory:") || db.inTransaction || list.length >= IDLE_PER_FILE) return false;
  list.push(db);
  idleHandles.set(key, list);
  return true;
}

// Per handle, the most recently used parameterised statements, oldest first (a Map keeps insertion order).
const KEPT_PER_HANDLE = 64;
const keptStatements = new WeakMap<BunDatabase, Map<string, BunStatement>>();

function keptStatement(db: BunDatabase, sql: string): BunStatement {
  let kept = keptStatements.get(db);
  if (kept === undefined) keptStatements.set(db, (kept = new Map()));
  let statement = kept.get(sql);
  if (statement !== undefined) kept.delete(sql); // moved to the young end below
  else {
    statement = db.prepare(sql);
    if (kept.size >= KEPT_PER_HANDLE) {
      const [oldest, old] = kept.entries().next().value as [string, BunStatement];
      kept.delete(oldest);
      old.finalize();
    }
  }
  kept.set(sql, statement);
  return statement;
}

function forgetStatements(db: BunDatabase): void {
  for (const statement of keptStatements.get(db)?.values() ?? []) statement.finalize();
  keptStatements.delete(db);
}

export class Database {
  readonly filename: string;
  readonly #key: string;
  #db: BunDatabase | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(filename: string, mode = OPEN_READWRITE | OPEN_CREATE, callback?: (err: Error | null) => void) {
    this.filename = filename;
    this.#key = `${filename}\0${mode}`;
    this.#schedule(() => {
      this.#db ??= takeIdle(this.#key);
      if (this.#db === undefined) {
        this.#db = new BunDatabase(filename, mode);
        this.#db.run(PRAGMAS_ON_OPEN);
      }
      return [new Statement(), undefined];
    }, callback);
  }

  run(sql: string, ...args: unknown[]): this {
    const [params, callback] = splitArgs(args);
    this.#schedule(() => {
      const { lastInsertRowid, changes } = this.#prepared(sql, params, (s) => s.run(...toBindings(params)));
      return [Object.assign(new Statement(), { lastID: Number(lastInsertRowid), changes }), undefined];
    }, callback);
    return this;
  }

  all(sql: string, ...args: unknown[]): this {
    const [params, callback] = splitArgs(args);
    this.#schedule(() => [new Statement(), this.#prepared(sql, params, (s) => s.all(...toBindings(params)))], callback);
    return this;
  }

  get(sql: string, ...args: unknown[]): this {
    const [params, callback] = splitArgs(args);
    this.#schedule(() => [new Statement(), this.#prepared(sql, params, (s) => s.get(...toBindings(params)) ?? undefined)], callback);
    return this;
  }

  /** Several statements, no parameters, no rows. */
  exec(sql: string, callback?: Callback): this {
    this.#schedule(() => {
      this.#open().run(sql);
      return [new Statement(), undefined];
    }, callback);
    return this;
  }

  /** sqlite3 runs calls one after another inside `fn`; here every call already waits for the one before. */
  serialize(fn?: () => void): void {
    fn?.();
  }

  close(callback?: Callback): void {
    this.#schedule(() => {
      if (this.#db && !putIdle(this.#key, this.#db)) {
        forgetStatements(this.#db);
        this.#db.close();
      }
      this.#db = undefined;
      return [new Statement(), undefined];
    }, callback);
  }

  #open(): BunDatabase {
    if (this.#db) return this.#db;
    throw Object.assign(new Error("SQLITE_MISUSE: Database is closed"), { code: "SQLITE_MISUSE" });
  }

  // Statements with `?` parameters (the batch writes: texts that repeat with the batch size) stay prepared on their
  // handle; others are prepared and finalized each time (sequelize inlines replacements, so those texts rarely repeat).
  #prepared<T>(sql: string, params: Params, use: (statement: BunStatement) => T): T {
    const db = this.#open();
    if (Array.isArray(params) && params.length > 0) return use(keptStatement(db, sql));
    const statement = db.prepare(sql);
    try {
      return use(statement);
    } finally {
      statement.finalize();
    }
  }

  /** Queues `work` behind earlier calls, then answers on a later tick, never inside the caller's own call. */
  #schedule(work: () => [Statement, unknown], callback?: Callback): void {
    const step = this.#queue.then(() => retryWhileBusy(work));
    this.#queue = step.catch(() => {}); // a failed call must not stop the ones queued after it
    // Without a callback an error goes nowhere: sequelize omits it only for PRAGMAs and close().
    step.then(([meta, value]) => callback?.call(meta, null, value), (err: Error) => callback?.call(new Statement(), err));
  }
}

export const sqliteAdapter = { OPEN_READWRITE, OPEN_CREATE, Database, Statement };
export default sqliteAdapter;
