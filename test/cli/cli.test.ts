// The commands, called in-process with argv (as the binary would be), against real databases.
import { afterAll, describe, expect, spyOn, test } from "bun:test";
import { consola } from "consola";
import { runMain } from "../../src/cli/main.ts";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases.ts";

const dropLater: TestDatabase[] = [];
afterAll(async () => {
  for (const t of dropLater) await t.drop();
});

function captureErrors(): { text: () => string; restore: () => void } {
  const lines: string[] = [];
  const spy = spyOn(consola, "error").mockImplementation(((...args: unknown[]) => void lines.push(args.map(String).join(" "))) as never);
  return { text: () => lines.join("\n"), restore: () => spy.mockRestore() };
}

describe("mpesa-cb CLI", () => {
  test("an unknown command is a usage error (64)", async () => {
    expect(await runMain(["frobnicate"])).toBe(64);
  });

  test("a bad --db is a configuration error (78) that says how to fix it", async () => {
    const errors = captureErrors();
    try {
      expect(await runMain(["migrate", "--db", "postgres://x/y"])).toBe(78);
      expect(errors.text()).toContain("DATABASE_URL (--db): has scheme \"postgres:\", expected mysql:// or sqlite:");
    } finally {
      errors.restore();
    }
  });

  test("an unreachable database exits 69 and never prints the password", async () => {
    const errors = captureErrors();
    try {
      expect(await runMain(["migrate", "--db", "mysql://app:hunter2secret@127.0.0.1:1/pay", "--log-level", "silent"])).toBe(69);
      expect(errors.text()).toContain("cannot open the database mysql://app:***@127.0.0.1:1/pay");
      expect(errors.text()).not.toContain("hunter2secret");
    } finally {
      errors.restore();
    }
  });

  test("migrate on SQLite, then again: exit 0 both times", async () => {
    const tdb = await createTestDatabase("sqlite");
    dropLater.push(tdb);
    expect(await runMain(["migrate", "--db", tdb.url, "--log-level", "silent"])).toBe(0);
    expect(await runMain(["migrate", "--db", tdb.url, "--status", "--log-level", "silent"])).toBe(0);
  });
});

describe.skipIf(!(await mysqlAvailable()))("serve on an un-migrated MySQL database", () => {
  test("refuses to start (78) and says to run mpesa-cb migrate; after migrate, --status is clean", async () => {
    const tdb = await createTestDatabase("mysql");
    dropLater.push(tdb);
    const errors = captureErrors();
    try {
      expect(await runMain(["serve", "--db", tdb.url, "--port", "0", "--log-level", "silent"])).toBe(78);
      expect(errors.text()).toContain("is not migrated");
      expect(errors.text()).toContain("mpesa-cb migrate");
    } finally {
      errors.restore();
    }
    expect(await runMain(["migrate", "--db", tdb.url, "--status", "--log-level", "silent"])).toBe(1);
    expect(await runMain(["migrate", "--db", tdb.url, "--log-level", "silent"])).toBe(0);
    expect(await runMain(["migrate", "--db", tdb.url, "--status", "--log-level", "silent"])).toBe(0);
  });
});
