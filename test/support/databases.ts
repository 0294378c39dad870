// Real databases for tests: a fresh SQLite file, or a fresh database on the machine's MariaDB.
// MPESA_CB_TEST_MYSQL_URL names the server (default: the local MariaDB). When it cannot be reached the MySQL
// tests are skipped, unless MPESA_CB_REQUIRE_MYSQL=1 (as in CI), where that is a failure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { parseDatabaseUrl, type DatabaseTarget } from "../../src/core/database-url.ts";

export const MYSQL_BASE_URL = process.env.MPESA_CB_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const REQUIRE_MYSQL = process.env.MPESA_CB_REQUIRE_MYSQL === "1";

export type TestDialect = "sqlite" | "mysql";

export interface TestDatabase {
  target: DatabaseTarget;
  url: string;
  drop(): Promise<void>;
}

function mysqlBase(): Extract<DatabaseTarget, { dialect: "mysql" }> {
  const parsed = parseDatabaseUrl(MYSQL_BASE_URL, "MPESA_CB_TEST_MYSQL_URL");
  if (!parsed.ok || parsed.value.dialect !== "mysql") throw new Error(`MPESA_CB_TEST_MYSQL_URL is not a mysql:// URL: ${MYSQL_BASE_URL}`);
  return parsed.value;
}

export async function adminConnection(): Promise<mysql.Connection> {
  const b = mysqlBase();
  return mysql.createConnection({ host: b.host, port: b.port, user: b.user, password: b.password, multipleStatements: true });
}

let reachable: boolean | undefined;
/** Whether the MySQL tests run; throws in CI when MySQL is required but missing. */
export async function mysqlAvailable(): Promise<boolean> {
  if (reachable === undefined) {
    try {
      await (await adminConnection()).end();
      reachable = true;
    } catch (e) {
      if (REQUIRE_MYSQL) throw new Error(`MPESA_CB_REQUIRE_MYSQL=1 but MySQL at ${MYSQL_BASE_URL} cannot be reached: ${String(e)}`);
      reachable = false;
    }
  }
  return reachable;
}

/** The dialects to run a suite on: SQLite always, MySQL when reachable (always in CI). */
export async function testDialects(): Promise<TestDialect[]> {
  return (await mysqlAvailable()) ? ["sqlite", "mysql"] : ["sqlite"];
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-test-"));
    const path = join(dir, "test.sqlite");
    return { target: { dialect: "sqlite", path }, url: `sqlite:${path}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const b = mysqlBase();
  const name = `mpesa_cb_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await adminConnection();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const target: DatabaseTarget = { ...b, database: name };
  const auth = b.password ? `${encodeURIComponent(b.user)}:${encodeURIComponent(b.password)}` : encodeURIComponent(b.user);
  return {
    target,
    url: `mysql://${auth}@${b.host}:${b.port}/${name}`,
    drop: async () => {
      const c = await adminConnection();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
