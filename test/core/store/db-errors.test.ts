// Failure classes by driver code: what a real refusal of a row looks like, and what the server's own exhaustion is.
import { describe, expect, test } from "bun:test";
import mysql from "mysql2/promise";
import { classifyFailure } from "../../../src/core/store/db-errors.ts";
import { MYSQL_BASE_URL, mysqlAvailable } from "../../support/databases.ts";

// mysql2's error for a server error packet: an Error with the code's name, errno and sqlState.
function serverError(code: string, errno: number): Error {
  return Object.assign(new Error(`${code} from the server`), { code, errno, sqlState: "HY000" });
}

const withMysql = await mysqlAvailable();

describe("classifyFailure", () => {
  test("the server out of prepared statements, resources or memory: unavailable (spooled), not a row to quarantine", () => {
    expect(classifyFailure(serverError("ER_MAX_PREPARED_STMT_COUNT_REACHED", 1461))).toBe("unavailable");
    expect(classifyFailure(serverError("ER_OUT_OF_RESOURCES", 1041))).toBe("unavailable");
    expect(classifyFailure(serverError("ER_OUTOFMEMORY", 1037))).toBe("unavailable");
  });

  test.skipIf(!withMysql)("a value MariaDB refuses for its column: the row is to blame", async () => {
    const c = await mysql.createConnection({ uri: MYSQL_BASE_URL });
    try {
      await c.query("CREATE TEMPORARY TABLE t_narrow (v VARCHAR(2))");
      const refused = await c.query("INSERT INTO t_narrow VALUES ('too long')").then(() => null, (e: unknown) => e);
      expect((refused as { code?: string } | null)?.code).toBe("ER_DATA_TOO_LONG");
      expect(classifyFailure(refused)).toBe("row");
    } finally {
      await c.end();
    }
  });
});
