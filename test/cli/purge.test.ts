// `mpesa-cb purge` as the command parses and runs it (its own commander program), on SQLite and MariaDB: --dry-run
// counts and writes nothing, the purge prints what it changed, the second prints nothing left; wrong limits refused.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CommanderError } from "commander";
import { registerPurge } from "../../src/cli/purge.ts";
import { testDialects } from "../support/databases.ts";
import { freshDatabase, select, snapshot, type Fresh } from "../core/maintenance/maintenance-db.ts";
import { runCommand } from "../core/maintenance/run-command.ts";
import { seed } from "../core/maintenance/seed.ts";

const purge = (args: string[]) => runCommand(registerPurge, ["purge", ...args]);

describe.each(await testDialects())("mpesa-cb purge on %s", (dialect) => {
  let fresh: Fresh;
  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
    await seed(fresh.db, "old", 500);
    await seed(fresh.db, "new", 30);
  });
  afterEach(async () => {
    await fresh.close();
  });

  test("--dry-run counts per table and writes nothing; the purge changes those rows; the second changes nothing", async () => {
    const before = await snapshot(fresh.db);
    const dry = await purge(["--db", fresh.tdb.url, "--older-than", "400d", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/: rows older than \S+ would change: callback_logs 2 \(raw bodies deleted\), transactions 1 \(phone numbers masked\), payment_requests 1 \(phone numbers masked\), c2b_payments 2 \(MSISDNs and names masked\), daraja_results 1 \(parties masked\), b2c_requests 1 \(phone numbers masked\), notifications 1 \(message texts deleted\) \(dry run: nothing written\)\n$/);
    expect(await snapshot(fresh.db)).toEqual(before);

    const run = await purge(["--db", fresh.tdb.url, "--older-than", "400", "--json", "--batch-size", "1"]);
    const report = JSON.parse(run.out) as { total: number; dryRun: boolean; tables: Record<string, { rows: number }> };
    expect([report.total, report.dryRun, report.tables.callback_logs?.rows]).toEqual([9, false, 2]);
    expect((await select(fresh.db, "SELECT COUNT(*) AS n FROM callback_logs WHERE raw_payload IS NULL")).map((r) => Number(r.n))).toEqual([2]);
    const after = await snapshot(fresh.db);

    const again = await purge(["--db", fresh.tdb.url, "--older-than", "400d"]);
    expect(again.out).toMatch(/: nothing older than \S+ left to purge\n$/);
    expect(await snapshot(fresh.db)).toEqual(after);
  });
});

describe("mpesa-cb purge: wrong limits", () => {
  test("no --older-than, a limit under a week, or not days: commander refuses it", async () => {
    for (const args of [[], ["--older-than", "6d"], ["--older-than", "1y"], ["--older-than", "400d", "--batch-size", "0"]]) {
      const e = await purge(["--db", "sqlite::memory:", ...args]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CommanderError);
    }
  });
});
