// The health report the server really builds, from a real database and a real spool: what makes it degraded.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHealthCheck, VERDICT_WINDOW } from "../../src/core/health.ts";
import { classifyReport } from "../../src/core/simulate/health-probe.ts";
import { Spool } from "../../src/core/spool/spool.ts";
import { testDialects } from "../support/databases.ts";
import { migratedDatabasePerSuite } from "../support/database-per-suite.ts";
import { createCallbackStore } from "../../src/core/store/callback-store.ts";
import { item, success, uniqueId } from "../support/callbacks.ts";

describe.each(await testDialects())("health report on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-health-"));

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("degraded while the spool holds anything, healthy once it is empty", async () => {
    const spool = new Spool(join(dir, dialect));
    const check = createHealthCheck({ db: suite.db, version: "test", spool });
    expect((await check()).status).toBe("healthy");
    await spool.append([{ id: "r1", receivedAt: new Date(), sourceIp: null, route: "/mpesa/callback", rawBody: "{}" }]);
    const report = await check();
    expect([report.status, report.spool?.depth]).toEqual(["degraded", 1]);
    expect(classifyReport({ ...report }, "here").summary).toContain("spool holds 1 callbacks not yet in the database");
    const batch = await spool.next();
    await spool.done(batch!);
    expect((await check()).status).toBe("healthy");
  });

  test("degraded while a quarantined callback waits for review; the README's SQL marks it reviewed", async () => {
    const store = createCallbackStore(suite.db);
    const receipt = `Q${uniqueId().slice(-9)}`;
    expect(await store.writeBatch([item(success(uniqueId(), receipt))])).toEqual(["new"]);
    expect(await store.writeBatch([item(success(uniqueId(), receipt))])).toEqual(["quarantined"]); // another payment's receipt
    const check = createHealthCheck({ db: suite.db, version: "test" });
    const report = await check();
    expect([report.status, report.review]).toEqual(["degraded", { quarantined: 1 }]);
    expect(classifyReport({ ...report }, "here").summary).toContain("1 quarantined callback(s) wait for review");
    const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
    const mark = /^UPDATE callback_logs SET reviewed_at = .*;$/m.exec(readme)?.[0];
    if (mark === undefined) throw new Error("the README lost its review statement");
    await suite.db.sequelize.query(mark);
    expect((await check()).status).toBe("healthy");
  });

  test("verdicts are counted among the latest payments only: bounded however big the table, an old mismatch drops out", async () => {
    await suite.db.sequelize.query("DELETE FROM callback_logs");
    await suite.db.sequelize.query("DELETE FROM transactions");
    const run = uniqueId("ws_CO_HV");
    const insert = async (from: number, count: number, verdict: string | null) => {
      for (let i = from; i < from + count; i += 1000) {
        const rows = Array.from({ length: Math.min(1000, from + count - i) }, (_, k) => `('${run}${i + k}', 'Success', '0', ${verdict === null ? "NULL" : `'${verdict}'`})`);
        await suite.db.sequelize.query(`INSERT INTO transactions (checkout_request_id, status, result_code, verdict) VALUES ${rows.join(",")}`);
      }
    };
    await insert(0, 5, "mismatch"); // the oldest
    await insert(5, 10, "unsolicited");
    const check = createHealthCheck({ db: suite.db, version: "test" });
    expect((await check()).verdicts).toEqual({ mismatch: 5, unsolicited: 10 });
    await insert(15, VERDICT_WINDOW - 10, "matched"); // the five mismatches and two unsolicited fall out of the window
    await insert(VERDICT_WINDOW + 5, 2, null); // a failure has no verdict, but is one of the latest payments
    expect((await check()).verdicts).toEqual({ unsolicited: 8, matched: VERDICT_WINDOW - 10 });
  });
});
