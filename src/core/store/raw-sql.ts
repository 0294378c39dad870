// Hot-path statements straight to the driver connection that a sequelize transaction holds: `?` parameters bound
// by the driver (a prepared statement on MySQL), with no SQL-text formatting in between. Same SQL on both dialects.
import type { Transaction } from "sequelize";
import type { Dialect } from "./database.ts";

type Callback = (err: Error | null, rows?: unknown) => void;
interface MysqlConnection {
  execute(sql: string, values: unknown[], cb: Callback): void;
}
interface SqliteConnection {
  all(sql: string, values: unknown[], cb: Callback): void;
}

function connectionOf(t: Transaction): unknown {
  return (t as unknown as { connection: unknown }).connection;
}

/** Runs one statement inside the transaction and returns the rows it yields (none for writes). */
export function runSql<Row = Record<string, unknown>>(dialect: Dialect, t: Transaction, sql: string, values: unknown[]): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const done: Callback = (err, rows) => (err ? reject(err) : resolve(Array.isArray(rows) ? (rows as Row[]) : []));
    if (dialect === "mysql") (connectionOf(t) as MysqlConnection).execute(sql, values, done);
    else (connectionOf(t) as SqliteConnection).all(sql, values, done);
  });
}

/** `?,?,…` for `IN (…)` with `n` values. */
export function inList(n: number): string {
  return new Array(n).fill("?").join(",");
}

/** `(?,?,…),(?,?,…)` for a multi-row statement; cached, since batch sizes repeat. */
export function rowPlaceholders(rows: number, columns: number): string {
  const key = rows * 1000 + columns;
  let list = cache.get(key);
  if (list === undefined) {
    const row = `(${inList(columns)})`;
    list = new Array(rows).fill(row).join(",");
    cache.set(key, list);
  }
  return list;
}
const cache = new Map<number, string>();

/**
 * `(SELECT ? AS a, ? AS b UNION ALL SELECT ?,? …)`: `rows` rows of parameters as a derived table with named columns,
 * for an INSERT … SELECT that joins them to other tables (the same text on MySQL, MariaDB and SQLite; SQLite allows
 * at most 500 rows in it). Cached, since batch sizes repeat.
 */
export function rowsTable(columns: readonly string[], rows: number): string {
  const key = `${columns.join(",")}/${rows}`;
  let table = tables.get(key);
  if (table === undefined) {
    const rest = ` UNION ALL SELECT ${inList(columns.length)}`.repeat(rows - 1);
    table = `(SELECT ${columns.map((c) => `? AS ${c}`).join(", ")}${rest})`;
    if (tables.size > 2000) tables.clear();
    tables.set(key, table);
  }
  return table;
}
const tables = new Map<string, string>();

interface MysqlTextConnection {
  query(sql: string, values: unknown[], cb: Callback): void;
}
interface PooledSequelize {
  connectionManager: { getConnection(o: { type: "write" }): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
}

/** One round trip on a script connection: several statements, `?` values escaped by mysql2; one result per statement. */
export type ScriptQuery = (sql: string, values: unknown[]) => Promise<unknown>;

/** A statement and its `?` values. */
export interface SqlStatement {
  sql: string;
  values: unknown[];
}

/** The first statement of a script that opens a transaction, and the last of one that ends it (see runScript). */
export const START_TRANSACTION: SqlStatement = { sql: "START TRANSACTION", values: [] };
export const COMMIT: SqlStatement = { sql: "COMMIT", values: [] };

/**
 * Runs statements on a script connection and returns each one's result. On a single MySQL server: one round trip.
 * On a Galera node: one statement per query, because there a transaction that another node's write rolled back
 * (brute-force abort) was reported as a success inside a multi-statement query — acknowledged callbacks lost
 * (test/cluster found it); a statement of its own gets the 1213, and the batch is tried again.
 * A script may end with COMMIT: on a single server a statement that fails stops the script before it (the caller's
 * ROLLBACK then ends the transaction), so the commit and the batch's writes share one round trip; on Galera it is a
 * query of its own, as every statement is there.
 */
export async function runScript(query: ScriptQuery, statements: readonly SqlStatement[], galera: boolean): Promise<unknown[]> {
  if (statements.length === 0) return [];
  if (galera || statements.length === 1) {
    const results: unknown[] = [];
    for (const st of statements) results.push(await query(st.sql, st.values));
    return results;
  }
  return (await query(statements.map((st) => st.sql).join(";\n"), statements.flatMap((st) => st.values))) as unknown[];
}

/**
 * MySQL only: `work` runs scripts — several statements in one round trip each (text protocol, values escaped by
 * mysql2) — on one pooled connection. A statement that fails stops the rest; the connection is rolled back before it
 * goes back to the pool, so a transaction a script opened never outlives a failure.
 */
export async function onScriptConnection<T>(sequelize: unknown, work: (query: ScriptQuery) => Promise<T>): Promise<T> {
  const manager = (sequelize as PooledSequelize).connectionManager;
  const connection = (await manager.getConnection({ type: "write" })) as MysqlTextConnection;
  const query: ScriptQuery = (sql, params) =>
    new Promise((resolve, reject) => connection.query(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
  try {
    return await work(query);
  } catch (e) {
    await query("ROLLBACK", []).catch(() => {}); // a dead connection rolls back on the server anyway
    throw e;
  } finally {
    await manager.releaseConnection(connection);
  }
}

