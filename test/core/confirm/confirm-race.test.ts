// Two confirmers (two processes' worth: own pools, own clients) on one database never query the same row twice.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { startConfirmer, type Confirmer } from "../../../src/core/confirm/confirm-worker.ts";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { insertPendingSuccess, openConfirmDb, recordingLogger, type ConfirmDb } from "../../support/confirm-db.ts";
import { testDialects } from "../../support/databases.ts";
import { uniqueId } from "../../support/callbacks.ts";

const ROWS = 40;

for (const dialect of await testDialects()) {
  describe(`two confirmers on one ${dialect} database`, () => {
    let fake: FakeDaraja;
    let cdb: ConfirmDb;
    let second: Database;
    const workers: Confirmer[] = [];

    beforeAll(async () => {
      fake = FakeDaraja.start();
      cdb = await openConfirmDb(dialect);
      second = await openDatabase(cdb.test.target);
      const config = { apiRoot: fake.apiRoot, ...fake.creds, shortcode: "600999", passkey: "fake-passkey-race-0123456789", ratePerSecond: 1000 };
      for (const db of [cdb.db, second]) {
        workers.push(startConfirmer({ db, config, logger: recordingLogger(), options: { firstDelayMs: 0, retryBaseMs: 1, retryMaxMs: 5, batchSize: ROWS, loop: false } }));
      }
    });
    afterAll(async () => {
      for (const w of workers) await w.stop();
      await second.close();
      await cdb.close();
      await fake.stop();
    });

    test("every row is queried exactly once and gets its verdict", async () => {
      const ids = Array.from({ length: ROWS }, () => uniqueId("ws_CO_RACE"));
      for (const id of ids) await insertPendingSuccess(cdb.db, id);
      let queried = 0;
      for (let round = 0; round < 20 && queried < ROWS; round++) {
        const counts = await Promise.all(workers.map((w) => w.runOnce()));
        queried += counts.reduce((a, b) => a + b, 0);
      }
      expect(queried).toBe(ROWS);
      expect(ids.filter((id) => fake.queriesFor(id).length !== 1)).toEqual([]);
      const rows = await cdb.db.sequelize.query<{ verdict: string; n: number | string }>(
        "SELECT verdict, COUNT(*) AS n FROM transactions GROUP BY verdict", { type: QueryTypes.SELECT });
      expect(rows.map((r) => [r.verdict, Number(r.n)])).toEqual([["verified", ROWS]]);
    });
  });
}
