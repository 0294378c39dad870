// The confirmation worker's metrics, against the fake Daraja and a real database (SQLite and MariaDB): each query
// counted by its answer, each recorded verdict once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startConfirmer } from "../../../src/core/confirm/confirm-worker.ts";
import { createMetrics } from "../../../src/core/metrics/metrics.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { insertPendingSuccess, openConfirmDb, readVerdict, recordingLogger, type ConfirmDb } from "../../support/confirm-db.ts";
import { testDialects } from "../../support/databases.ts";
import { uniqueId } from "../../support/callbacks.ts";
import { parsePromText, valueOf } from "../../support/prom-text.ts";

describe.each(await testDialects())("confirmation metrics on %s", (dialect) => {
  let fake: FakeDaraja;
  let cdb: ConfirmDb;
  beforeAll(async () => {
    fake = FakeDaraja.start();
    cdb = await openConfirmDb(dialect);
  });
  afterAll(async () => {
    await fake.stop();
    await cdb.close();
  });

  test("queries by answer (pending, throttled, final) and verdicts (verified, mismatch)", async () => {
    const metrics = createMetrics({ version: "t" });
    const confirmer = startConfirmer({
      db: cdb.db, logger: recordingLogger(), metrics,
      options: { firstDelayMs: 0, retryBaseMs: 1, retryMaxMs: 5, maxAttempts: 6, leaseMs: 30_000, loop: false },
      config: { apiRoot: fake.apiRoot, ...fake.creds, shortcode: "600999", passkey: "fake-passkey-metrics", ratePerSecond: 1000, timeoutMs: 1_000 },
    });
    const [paid, cancelled] = [uniqueId(), uniqueId()];
    await insertPendingSuccess(cdb.db, paid);
    await insertPendingSuccess(cdb.db, cancelled);
    fake.script(paid, "pending500", "spike-arrest", "success");
    fake.script(cancelled, "cancelled");
    for (let i = 0; i < 100 && ((await readVerdict(cdb.db, paid)).verdict === "pending" || (await readVerdict(cdb.db, cancelled)).verdict === "pending"); i++) {
      await confirmer.runOnce();
      await Bun.sleep(10); // the next try is due a few milliseconds later
    }
    await confirmer.stop();
    const f = parsePromText(await metrics.render());
    const query = (answer: string) => valueOf(f, "mpesa_cb_daraja_queries_total", { caller: "confirm", answer });
    expect(["pending", "throttled", "final", "error"].map(query)).toEqual([1, 1, 2, 0]);
    const verdict = (v: string) => valueOf(f, "mpesa_cb_confirm_verdicts_total", { verdict: v });
    expect(["verified", "mismatch", "unverifiable"].map(verdict)).toEqual([1, 1, 0]);
  });
});
