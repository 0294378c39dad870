// The commands, called in-process with argv (as the binary would be), against real databases.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMain } from "../../src/cli/main.ts";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases.ts";
import { VERSION_LINE } from "../../src/cli/version.ts";
import { lines, runCli } from "./cli-process.ts";

const dropLater: TestDatabase[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "mpesa-cb-cli-"));
  dirs.push(d);
  return d;
}

describe("mpesa-cb CLI", () => {
  test("an unknown command is a usage error (64)", async () => {
    expect(await runMain(["frobnicate"])).toBe(64);
  });

  test("a bad --db is a configuration error (78) that says how to fix it", async () => {
    const r = await runCli(["migrate", "--db", "postgres://x/y"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("DATABASE_URL (--db): has scheme \"postgres:\", expected mysql:// or sqlite:");
  });

  test("an unreachable database exits 69 and never prints the password", async () => {
    const r = await runCli(["migrate", "--db", "mysql://app:hunter2secret@127.0.0.1:1/pay", "--log-level", "silent"]);
    expect(r.code).toBe(69);
    expect(r.stderr).toContain("cannot open the database mysql://app:***@127.0.0.1:1/pay");
    expect(r.stdout + r.stderr).not.toContain("hunter2secret");
  });

  test("migrate on SQLite, then again: exit 0 both times", async () => {
    const tdb = await createTestDatabase("sqlite");
    dropLater.push(tdb);
    expect(await runMain(["migrate", "--db", tdb.url, "--log-level", "silent"])).toBe(0);
    expect(await runMain(["migrate", "--db", tdb.url, "--status", "--log-level", "silent"])).toBe(0);
  });
});

describe("what the operator reads", () => {
  test.each([[[]], [["serve"]], [["migrate"]], [["simulate"]], [["health"]]])("mpesa-cb %p -v prints the version, as -V does", async (cmd) => {
    for (const flag of ["-v", "-V", "--version"]) {
      const r = await runCli([...cmd, flag]);
      expect([r.code, r.stdout.trim(), r.stderr]).toEqual([0, VERSION_LINE, ""]);
    }
  }, 60_000);

  test.each([
    [["serve", "--port", "abc"], 'invalid setting PORT (--port): must be a whole number from 0 to 65535, got "abc"'],
    [["serve", "--log-level", "verbose"], 'invalid setting MPESA_CB_LOG_LEVEL (--log-level): must be one of silent, error, warn, info, debug, got "verbose"'],
    [["migrate", "--log-level", "verbose"], 'must be one of silent, error, warn, info, debug, got "verbose"'],
  ])("%p: exit 78, the bad value and what is allowed, on one line", async (args, line) => {
    const r = await runCli(args);
    expect(r.code).toBe(78);
    expect(lines(r.stderr)[0]).toContain(line);
    expect(r.stderr).not.toMatch(/\n\s*\n/);
  }, 30_000);
});

describe.skipIf(!(await mysqlAvailable()))("serve on an un-migrated MySQL database", () => {
  test("refuses to start (78) and says to run mpesa-cb migrate; after migrate, --status is clean", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const r = await runCli(["serve", "--db", tdb.url, "--port", "0", "--log-level", "silent", "--data-dir", dataDir()]);
    expect(r.code).toBe(78);
    expect(lines(r.stderr)).toEqual([expect.stringContaining("is not migrated")]);
    expect(r.stderr).toContain("mpesa-cb migrate");
    expect(await runMain(["migrate", "--db", tdb.url, "--status", "--log-level", "silent"])).toBe(1);
    expect(await runMain(["migrate", "--db", tdb.url, "--log-level", "silent"])).toBe(0);
    expect(await runMain(["migrate", "--db", tdb.url, "--status", "--log-level", "silent"])).toBe(0);
  });
});
