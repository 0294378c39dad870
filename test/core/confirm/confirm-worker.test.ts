// The confirmer against a fake Daraja and a real database (SQLite and MariaDB): each verdict, retries, the first delay.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startConfirmer, type Confirmer, type ConfirmOptions } from "../../../src/core/confirm/confirm-worker.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { insertPendingSuccess, openConfirmDb, readVerdict, recordingLogger, type ConfirmDb } from "../../support/confirm-db.ts";
import { testDialects } from "../../support/databases.ts";
import { uniqueId } from "../../support/callbacks.ts";

const PASSKEY = "fake-passkey-0c893059b10f78e6b72ada1ed2c919";
const FAST: Partial<ConfirmOptions> = { firstDelayMs: 0, retryBaseMs: 1, retryMaxMs: 5, maxAttempts: 6, leaseMs: 30_000, loop: false };

for (const dialect of await testDialects()) {
  describe(`confirmation on ${dialect}`, () => {
    let fake: FakeDaraja;
    let cdb: ConfirmDb;
    const logger = recordingLogger();
    const verdicts: string[] = [];
    const confirmers: Confirmer[] = [];
    const confirmer = (options: Partial<ConfirmOptions> = {}, apiRoot = fake.apiRoot) => {
      const c = startConfirmer({
        db: cdb.db, logger, options: { ...FAST, onVerdict: (v) => void verdicts.push(`${v.checkoutRequestId}:${v.verdict}`), ...options },
        config: { apiRoot, ...fake.creds, shortcode: "600999", passkey: PASSKEY, ratePerSecond: 1000, timeoutMs: 1_000 },
      });
      confirmers.push(c);
      return c;
    };
    // Runs passes until the row has a verdict (or gives up, and the test's expectation fails).
    const settle = async (c: Confirmer, id: string) => {
      for (let i = 0; i < 100 && (await readVerdict(cdb.db, id)).verdict === "pending"; i++) {
        await c.runOnce();
        await Bun.sleep(10); // the next try is due a few milliseconds later
      }
      return readVerdict(cdb.db, id);
    };

    beforeAll(async () => {
      fake = FakeDaraja.start();
      cdb = await openConfirmDb(dialect);
    });
    afterAll(async () => {
      for (const c of confirmers) await c.stop();
      await fake.stop();
      await cdb.close();
      const secrets = [fake.creds.consumerKey, fake.creds.consumerSecret, PASSKEY, ...fake.issuedTokens];
      for (const line of logger.lines) for (const s of secrets) expect(line).not.toContain(s);
    });

    test("Daraja confirms: verified, with the right Password and Bearer token", async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      fake.script(id, "success");
      expect(await settle(confirmer(), id)).toEqual({ verdict: "verified", verdict_detail: "Daraja ResultCode 0", verify_attempts: 1 });
      const [q] = fake.queriesFor(id);
      expect(Buffer.from(String(q?.body.Password), "base64").toString()).toBe(`600999${PASSKEY}${String(q?.body.Timestamp)}`);
      expect(q?.body.BusinessShortCode).toBe("600999");
      expect(fake.issuedTokens.map((t) => `Bearer ${t}`)).toContain(String(q?.authorization));
      expect(verdicts).toContain(`${id}:verified`);
    });

    test("a callback that claimed success, but Daraja says 1032: mismatch, with Daraja's code and words", async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      fake.script(id, "cancelled");
      const row = await settle(confirmer(), id);
      expect(row.verdict).toBe("mismatch");
      expect(row.verdict_detail).toBe("Daraja ResultCode 1032: Request Cancelled by user.");
      expect(logger.lines.some((l) => l.startsWith("warn") && l.includes(id) && l.includes("mismatch"))).toBe(true);
    });

    test("pending answers of every shape, then success: verified after the retries", async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      fake.script(id, "pending500", "pending500-empty", "pending4999", "spike-arrest", "success");
      const row = await settle(confirmer(), id);
      expect(row.verdict).toBe("verified");
      expect(row.verify_attempts).toBe(5);
      expect(fake.queriesFor(id).map((q) => q.answer)).toEqual(["pending500", "pending500-empty", "pending4999", "spike-arrest", "success"]);
    });

    test("always pending: unverifiable once the attempts run out, and no query after that", async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      fake.script(id, "pending4999");
      const c = confirmer({ maxAttempts: 3 });
      const row = await settle(c, id);
      expect(row).toEqual({ verdict: "unverifiable", verdict_detail: "no final answer from Daraja after 3 queries (last: still being processed)", verify_attempts: 3 });
      await c.runOnce();
      expect(fake.queriesFor(id)).toHaveLength(3);
    });

    test("Daraja unreachable: unverifiable after the attempts, the reason kept", async () => {
      const down = FakeDaraja.start();
      const root = down.apiRoot;
      await down.stop();
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      const row = await settle(confirmer({ maxAttempts: 2 }, root), id);
      expect(row.verdict).toBe("unverifiable");
      expect(row.verdict_detail).toContain("ECONNREFUSED");
      expect(row.verify_attempts).toBe(2);
    });

    test("past the time limit, one non-final answer is enough for unverifiable", async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id, 2 * 3_600_000);
      fake.script(id, "pending500");
      const row = await settle(confirmer({ maxAgeMs: 3_600_000 }), id);
      expect(row.verdict).toBe("unverifiable");
      expect(row.verify_attempts).toBe(1);
    });

    test("no query before the first delay after the callback; rows already decided are left alone", async () => {
      const fresh = uniqueId();
      await insertPendingSuccess(cdb.db, fresh, 0);
      const decided = uniqueId();
      await insertPendingSuccess(cdb.db, decided);
      await cdb.db.sequelize.query("UPDATE transactions SET verdict = 'matched' WHERE checkout_request_id = ?", { replacements: [decided] });
      const old = uniqueId();
      await insertPendingSuccess(cdb.db, old, 20 * 60_000);
      await confirmer({ firstDelayMs: 600_000 }).runOnce();
      expect(fake.queriesFor(old)).toHaveLength(1); // the database compares in UTC: 20 min is past 10 min
      expect(fake.queriesFor(fresh)).toHaveLength(0);
      expect(fake.queriesFor(decided)).toHaveLength(0);
      expect((await readVerdict(cdb.db, fresh)).verify_attempts).toBe(0);
    });

    test("the running loop confirms by itself and stops cleanly", async () => {
      const id = uniqueId();
      await insertPendingSuccess(cdb.db, id);
      const c = confirmer({ loop: true, pollMs: 5 });
      for (let i = 0; i < 400 && (await readVerdict(cdb.db, id)).verdict === "pending"; i++) await Bun.sleep(10);
      await c.stop();
      expect((await readVerdict(cdb.db, id)).verdict).toBe("verified");
    });
  });
}
