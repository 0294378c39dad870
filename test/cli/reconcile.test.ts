// `mpesa-cb reconcile` as an operator or the systemd timer runs it (a child process, a clean environment): exit codes,
// --json, --dry-run writing nothing, an unreachable Daraja named with what to check, missing credentials refused.
import { afterAll, beforeAll, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeDaraja } from "../support/fake-daraja.ts";
import { testDialects } from "../support/databases.ts";
import { runCli } from "./cli-process.ts";
import { ADMIN, ReconcileBench } from "../core/reconcile/reconcile-bench.ts";

setDefaultTimeout(60_000); // each case starts a bun process: seconds on a busy 2-core machine

for (const dialect of await testDialects()) {
  describe(`mpesa-cb reconcile on ${dialect}`, () => {
    let b: ReconcileBench;
    const env = (extra: Record<string, string> = {}) => ({
      DATABASE_URL: b.cdb.test.url, MPESA_API_ROOT: b.fake.apiRoot, MPESA_CONSUMER_KEY: b.fake.creds.consumerKey,
      MPESA_CONSUMER_SECRET: b.fake.creds.consumerSecret, MPESA_SHORTCODE: "600999", MPESA_PASSKEY: "fake-passkey-cli",
      TELEGRAM_BOT_TOKEN: "4242:AAH-test_token-secret", ADMIN_CHAT_ID: ADMIN, MPESA_CB_LOG_LEVEL: "warn", ...extra,
    });
    const reconcile = (args: string[], extra: Record<string, string> = {}) => runCli(["reconcile", ...args], { env: env(extra) });
    beforeAll(async () => {
      b = await ReconcileBench.open(dialect);
    });
    afterAll(() => b.close());
    beforeEach(async () => {
      b.fake.mode = "success";
      b.fake.restart();
      await b.wipe();
    });

    test("nothing left unresolved: exit 0, and --json gives the report", async () => {
      const paid = await b.request();
      const cancelled = await b.request(500_000);
      b.fake.script(cancelled, "cancelled");
      const r = await reconcile(["--json"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toEqual({
        dryRun: false, checked: 2, recovered: 2, conflicts: 0, alreadyFinal: 0, unresolved: 0, unreachable: 0, expired: 0, exitCode: 0,
        items: [
          { checkoutRequestId: cancelled, storedStatus: null, result: "recovered", status: "Cancelled", resultCode: "1032", detail: "callback missing — recovered by query: Cancelled" },
          { checkoutRequestId: paid, storedStatus: null, result: "recovered", status: "Success", resultCode: "0", detail: "callback missing — recovered by query: Success" },
        ],
      });
      expect(await b.payment(paid)).toMatchObject({ status: "Success", verdict: "verified" });
      expect((await b.notifications(paid)).map((n) => `${n.kind} ${n.event_key}`)).toEqual(["admin recovered:Success", "receipt status:Success"]);
    });

    test("a payment still pending: exit 1, one line for it and the summary", async () => {
      const id = await b.request();
      b.fake.script(id, "pending4999");
      const r = await reconcile([]);
      expect(r.code).toBe(1);
      expect(r.stdout.split("\n").filter(Boolean)).toEqual([
        `${id}: pending: Daraja says the request is still being processed`,
        "checked 1, recovered 0, conflicts 0, already settled 0, unresolved 1",
      ]);
      expect(await b.payment(id)).toBeUndefined();
    });

    test("--dry-run prints what it would record and writes nothing (rows counted before and after)", async () => {
      const ids = [await b.request(), await b.request(500_000)];
      b.fake.script(ids[1] ?? "", "cancelled");
      const before = await b.counts();
      const r = await reconcile(["--dry-run"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${ids[0]}: would record Success`);
      expect(r.stdout).toContain(`${ids[1]}: would record Cancelled`);
      expect(r.stdout).toContain("dry run (nothing written): checked 2, recovered 2");
      expect(await b.counts()).toEqual(before);
    });

    test("Daraja unreachable: exit 1, nothing recorded, and the error says what to check", async () => {
      const id = await b.request();
      await b.fake.stop();
      const before = await b.counts();
      const r = await reconcile(["--json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ checked: 1, unresolved: 1, unreachable: 1, exitCode: 1, items: [{ checkoutRequestId: id, result: "unreachable" }] });
      expect(r.stderr).toContain("Daraja could not be asked about 1 payment(s)");
      expect(r.stderr).toContain(`Check that ${b.fake.apiRoot} is reachable from this machine (MPESA_API_ROOT)`);
      expect(r.stderr).toContain("MPESA_CONSUMER_KEY");
      expect(r.stderr).not.toContain(b.fake.creds.consumerSecret);
      expect(await b.counts()).toEqual(before);
    });

    test("--limit and --since are honoured; MPESA_CB_RECONCILE_AFTER_S and _MAX_AGE_S from the environment", async () => {
      const old = await b.request(2 * 86_400_000);
      const recent = await b.request(60_000); // younger than the default 120 s
      const limited = JSON.parse((await reconcile(["--json", "--dry-run", "--limit", "1"])).stdout);
      expect(limited.items.map((i: { checkoutRequestId: string }) => i.checkoutRequestId)).toEqual([old]);
      const since = JSON.parse((await reconcile(["--json", "--dry-run", "--since", "24h"], { MPESA_CB_RECONCILE_AFTER_S: "30" })).stdout);
      expect(since.items.map((i: { checkoutRequestId: string }) => i.checkoutRequestId)).toEqual([recent]);
      const young = JSON.parse((await reconcile(["--json", "--dry-run"], { MPESA_CB_RECONCILE_AFTER_S: "30", MPESA_CB_RECONCILE_MAX_AGE_S: "86400" })).stdout);
      expect(young.items.map((i: { checkoutRequestId: string }) => i.checkoutRequestId)).toEqual([recent]); // the 2-day-old one is past the age
    });
  });
}

describe("mpesa-cb reconcile refuses what it cannot work with", () => {
  test("without the Daraja credentials: exit 78, naming the missing settings", async () => {
    const r = await runCli(["reconcile"], { env: { DATABASE_URL: "sqlite::memory:", MPESA_SHORTCODE: "600999" } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("reconcile asks Daraja and needs MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_PASSKEY");
  });

  test.each([["--since", "yesterday"], ["--limit", "0"]])("%s %s: exit 64 (usage)", async (flag, value) => {
    const r = await runCli(["reconcile", flag, value], { env: {} });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(flag);
  });

  test("a bad MPESA_CB_RECONCILE_AFTER_S: exit 78", async () => {
    const r = await runCli(["reconcile"], { env: { MPESA_CB_RECONCILE_AFTER_S: "two minutes", DATABASE_URL: "sqlite::memory:" } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("MPESA_CB_RECONCILE_AFTER_S");
  });
});

describe("mpesa-cb reconcile on a database without the schema", () => {
  test("exit 69 with the database's words and what to do, no stack trace", async () => {
    const fake = FakeDaraja.start();
    const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-reconcile-empty-"));
    try {
      const r = await runCli(["reconcile"], { env: {
        DATABASE_URL: `sqlite:${join(dir, "empty.sqlite")}`, MPESA_API_ROOT: fake.apiRoot, MPESA_CONSUMER_KEY: fake.creds.consumerKey,
        MPESA_CONSUMER_SECRET: fake.creds.consumerSecret, MPESA_SHORTCODE: "600999", MPESA_PASSKEY: "p",
      } });
      expect(r.code).toBe(69);
      expect(r.stderr).toContain("reconcile could not read or write the payments in");
      expect(r.stderr).toContain("no such table");
      expect(r.stderr).toContain("mpesa-cb migrate");
      expect(r.stderr).not.toContain("    at ");
    } finally {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
