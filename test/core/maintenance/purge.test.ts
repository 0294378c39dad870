// Retention on SQLite and MariaDB, a fresh database per test: purge changes exactly the personal columns of the rows
// older than the limit (raw bodies and sent texts gone, phones and names masked) and nothing else; a dry run counts
// and writes nothing; a second purge changes nothing; the daily run in serve does the same.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { purgePersonalData, MIN_RETENTION_DAYS } from "../../../src/core/maintenance/purge.ts";
import { startRetention } from "../../../src/core/maintenance/retention.ts";
import { PURGE_TABLES } from "../../../src/core/maintenance/purge-tables.ts";
import type { Database } from "../../../src/core/store/database.ts";
import { isAppError } from "../../../src/core/errors.ts";
import { adminConnection, mysqlAvailable, testDialects } from "../../support/databases.ts";
import { utcIso } from "../../support/callbacks.ts";
import { freshDatabase, select, TABLES, type Fresh } from "./maintenance-db.ts";
import { PROBLEMS, seed } from "./seed.ts";

const DAY = 86_400_000;

type Rows = Record<string, Record<string, unknown>[]>;
async function tables(db: Database): Promise<Rows> {
  const out: Rows = {};
  for (const t of TABLES) out[t] = await select(db, `SELECT * FROM ${t} ORDER BY id`);
  return out;
}

// What purge makes of an old row, by table: the personal columns; every other column as it was.
const EXPECTED: Record<string, (r: Record<string, unknown>) => Record<string, unknown>> = {
  callback_logs: (r) => ({ raw_payload: null, problems: r.problems === null ? null : PROBLEMS.replace("0708374149", "0708****49") }),
  transactions: () => ({ phone_number: "2547******49" }),
  payment_requests: () => ({ phone_number: "0708****49" }),
  c2b_payments: (r) => (r.msisdn_kind === "plain" ? { msisdn: "2547******50", first_name: "J***", last_name: "D***" } : { first_name: "A***" }),
  daraja_results: (r) => (r.api === "b2c"
    ? { credit_party: "2547******04 - T***", parameters: JSON.stringify({ TransactionAmount: "500", ReceiverPartyPublicName: "2547******04 - T***" }) } : {}),
  b2c_requests: () => ({ phone: "2547******04" }),
  notifications: (r) => (r.status === "sent" ? { message: null } : {}),
};

describe.each(await testDialects())("purge on %s", (dialect) => {
  let fresh: Fresh;
  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
    await seed(fresh.db, "old1", 500);
    await seed(fresh.db, "new1", 300);
    await seed(fresh.db, "old2", 401);
  });
  afterEach(async () => {
    await fresh.close();
  });

  test("removes and masks exactly what it says in rows older than the limit, and nothing else; the second run changes nothing", async () => {
    const before = await tables(fresh.db);
    const dry = await purgePersonalData({ db: fresh.db, olderThanDays: 400, dryRun: true });
    expect(await tables(fresh.db)).toEqual(before);
    const rowsOf = (r: typeof dry) => Object.fromEntries(Object.entries(r.tables).map(([t, v]) => [t, v.rows]));
    const counts = { callback_logs: 4, transactions: 2, payment_requests: 2, c2b_payments: 4, daraja_results: 2, b2c_requests: 2, notifications: 2 };
    expect(rowsOf(dry)).toEqual(counts);
    expect(dry.dryRun).toBe(true);

    const done = await purgePersonalData({ db: fresh.db, olderThanDays: 400, batchSize: 3 });
    expect(rowsOf(done)).toEqual(counts);
    const after = await tables(fresh.db);
    const limit = new Date(Date.now() - 400 * DAY).toISOString();
    for (const table of TABLES) {
      const expected = (before[table] ?? []).map((row) => {
        const old = (utcIso(row.created_at) ?? "") < limit;
        return { ...row, ...(old ? (EXPECTED[table]?.(row) ?? {}) : {}) };
      });
      expect({ table, rows: after[table] }).toEqual({ table, rows: expected });
    }
    const again = await purgePersonalData({ db: fresh.db, olderThanDays: 400 });
    expect(again.total).toBe(0);
    expect(await tables(fresh.db)).toEqual(after);
  });

  test("a limit under a week is refused: the service still needs that data", async () => {
    const e = await purgePersonalData({ db: fresh.db, olderThanDays: MIN_RETENTION_DAYS - 1 }).catch((x: unknown) => x);
    expect(isAppError(e) && e.kind === "usage" && e.message.includes(`${MIN_RETENTION_DAYS} days`)).toBe(true);
  });

  test("the daily run in serve: runOnce purges and logs one line; stop ends it", async () => {
    const lines: string[] = [];
    const logger = createConsola({ level: 4, reporters: [{ log: (l) => lines.push(l.args.join(" ")) }] });
    const retention = startRetention({ db: fresh.db, days: 400, logger, firstDelayMs: 3_600_000 });
    const report = await retention.runOnce();
    expect(report?.total).toBe(18);
    expect(lines.join("\n")).toContain("retention (400 days): rows older than ");
    expect(lines.join("\n")).toContain("callback_logs 4 (raw bodies deleted)");
    expect((await retention.runOnce())?.total).toBe(0);
    await retention.stop();
    expect(await select(fresh.db, "SELECT raw_payload FROM callback_logs WHERE raw_payload IS NOT NULL")).toHaveLength(2);
  });
});

describe.if(await mysqlAvailable())("purge on MariaDB next to callbacks", () => {
  test("a callback's transaction holding the newer rows does not hold up the purge (it never locks a row it leaves)", async () => {
    const fresh = await freshDatabase("mysql");
    const holder = await adminConnection();
    try {
      await seed(fresh.db, "old", 500);
      await seed(fresh.db, "new", 1);
      await holder.query(`USE \`${fresh.tdb.target.dialect === "mysql" ? fresh.tdb.target.database : ""}\``);
      await holder.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
      await holder.query("START TRANSACTION");
      // Locked one by one on the primary key, as a callback locks its rows (by key, never by a scan of times): on these
      // tiny tables a locking scan may walk a secondary index and keep old rows locked too — since
      // 011_reconcile_indexes, transactions(status, created_at) is such an index — which no callback does.
      for (const { table } of PURGE_TABLES) {
        const [rows] = await holder.query(`SELECT id FROM ${table} WHERE created_at > UTC_TIMESTAMP() - INTERVAL 2 DAY`);
        for (const { id } of rows as { id: number }[]) await holder.query(`SELECT id FROM ${table} FORCE INDEX (PRIMARY) WHERE id = ? FOR UPDATE`, [id]);
      }
      // InnoDB would wait innodb_lock_wait_timeout (50 s) for a locked row: past this test's bound.
      const report = await purgePersonalData({ db: fresh.db, olderThanDays: 400 });
      expect(report.total).toBe(9);
      await holder.query("UPDATE transactions SET result_desc = 'still ours' WHERE checkout_request_id = 'ws_CO_new'");
      await holder.query("COMMIT");
    } finally {
      await holder.end();
      await fresh.close();
    }
  }, 20_000);
});
