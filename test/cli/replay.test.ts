// `mpesa-cb replay` as the command parses and runs it (its own commander program), on SQLite and MariaDB: the
// parser-fix use case end to end, --dry-run --json writing nothing, exit codes and the errors for a wrong call.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CommanderError } from "commander";
import { registerReplay } from "../../src/cli/replay.ts";
import { isAppError } from "../../src/core/errors.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";
import { testDialects } from "../support/databases.ts";
import { freshDatabase, insertLog, select, snapshot, type Fresh } from "../core/maintenance/maintenance-db.ts";
import { runCommand } from "../core/maintenance/run-command.ts";
import { runCli } from "./cli-process.ts";

const replay = (args: string[]) => runCommand(registerReplay, ["replay", ...args]);

describe.each(await testDialects())("mpesa-cb replay on %s", (dialect) => {
  let fresh: Fresh;
  beforeEach(async () => {
    fresh = await freshDatabase(dialect);
  });
  afterEach(async () => {
    await fresh.close();
  });

  test("a parser fix: the rejected callback is stored (exit 0); the second run replays nothing", async () => {
    const id = uniqueId();
    const row = await insertLog(fresh.db, { raw: successBody(id, "RCPCLI0001"), problems: [{ path: "Body", message: "old parser" }] });
    const first = await replay(["--db", fresh.tdb.url, "--outcome", "rejected"]);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`#${row} stk received `);
    expect(first.out).toContain(`was rejected (400): replayed: payment ${id} Success (code 0)`);
    expect(first.out).toMatch(/: new\nreplayed 1\n$/);
    expect((await select(fresh.db, "SELECT status FROM transactions WHERE checkout_request_id = ?", [id])).map((r) => r.status)).toEqual(["Success"]);
    const before = await snapshot(fresh.db);
    const second = await replay(["--db", fresh.tdb.url, "--all"]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/already replayed 1\n$/);
    expect(await snapshot(fresh.db)).toEqual(before);
  });

  test("--dry-run --json prints every callback and writes nothing; a callback still rejected exits 1", async () => {
    await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCPCLI0002") });
    await insertLog(fresh.db, { raw: "not json" });
    const before = await snapshot(fresh.db);
    const run = await replay(["--db", fresh.tdb.url, "--all", "--dry-run", "--json"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.out) as { dryRun: boolean; counts: Record<string, number>; callbacks: { action: string }[] };
    expect(json.dryRun).toBe(true);
    expect(json.callbacks.map((c) => c.action)).toEqual(["would-replay", "still-rejected"]);
    expect(json.counts).toMatchObject({ "would-replay": 1, "still-rejected": 1, replayed: 0 });
    expect(await snapshot(fresh.db)).toEqual(before);
  });

  test("--id takes row ids and request ids, several or comma-separated; --from/--to a range", async () => {
    const a = await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCPCLI0003"), receivedAt: new Date("2026-11-30T08:00:00Z") });
    const b = await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCPCLI0004"), requestId: "0d9a1f4e-0000-4000-8000-00000000000b", receivedAt: new Date("2026-11-30T09:00:00Z") });
    const c = await insertLog(fresh.db, { raw: successBody(uniqueId(), "RCPCLI0005"), receivedAt: new Date("2026-11-30T10:00:00Z") });
    const rows = (out: string) => [...out.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1]));
    expect(rows((await replay(["--db", fresh.tdb.url, "--dry-run", "--id", `${a},0d9a1f4e-0000-4000-8000-00000000000b`])).out)).toEqual([a, b]);
    expect(rows((await replay(["--db", fresh.tdb.url, "--dry-run", "--id", String(c), "--id", String(a)])).out)).toEqual([a, c]);
    expect(rows((await replay(["--db", fresh.tdb.url, "--dry-run", "--from", "2026-11-30T11:30:00+03:00", "--to", "2026-11-30T10:00:00Z"])).out)).toEqual([b]);
    expect((await replay(["--db", fresh.tdb.url, "--dry-run", "--from", "2026-12-01"])).out).toBe("nothing to replay (dry run: nothing written)\n");
  });
});

describe("mpesa-cb replay: wrong calls", () => {
  test("no selection: a usage error that names --all", async () => {
    const e = await replay(["--db", "sqlite::memory:"]).catch((x: unknown) => x);
    expect(isAppError(e) && e.kind === "usage" && e.message.includes("--id") && (e.hint ?? "").includes("--all")).toBe(true);
  });

  test("a time without a zone, an outcome or family we do not know: commander refuses the value", async () => {
    for (const args of [["--from", "2026-11-30T10:00"], ["--outcome", "new"], ["--family", "mpesa"], ["--limit", "0"]]) {
      const e = await replay(["--db", "sqlite::memory:", ...args]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CommanderError);
      expect((e as CommanderError).exitCode).not.toBe(0);
    }
  });
});

describe("mpesa-cb replay as a process (main.ts)", () => {
  test("the use case on SQLite: exit 0 and the replayed line; no selection: exit 64 with what to do, no stack trace", async () => {
    const fresh = await freshDatabase("sqlite");
    try {
      const id = uniqueId();
      await insertLog(fresh.db, { raw: successBody(id, "RCPPROC001") });
      const ok = await runCli(["replay", "--db", fresh.tdb.url, "--outcome", "rejected"]);
      expect([ok.code, ok.stderr]).toEqual([0, ""]);
      expect(ok.stdout).toContain(`replayed: payment ${id} Success`);
      const wrong = await runCli(["replay", "--db", fresh.tdb.url]);
      expect(wrong.code).toBe(64);
      expect(wrong.stderr).toContain("replay needs a selection: --id, --from/--to, --outcome or --family — or --all");
      expect(wrong.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await fresh.close();
    }
  });
});
