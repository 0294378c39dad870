// Logs as journald reads them: one line per event, and a syslog priority prefix (sd-daemon(3)) on every line when
// stdout/stderr is the journal stream that JOURNAL_STREAM names (systemd.exec(5)); plain lines anywhere else.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureBody, uniqueId } from "../support/callbacks.ts";
import { freePort } from "../support/serve-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { lines, runCli, spawnIntoJournalFile } from "./cli-process.ts";

const cleanups: (() => unknown)[] = [];
afterAll(() => {
  for (const c of cleanups.reverse()) c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-journal-data-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const TOKEN = "journal-test-token-0123456789";

describe("serve with its output connected to the journal", () => {
  test("every line carries its priority: <6> info, <4> warning, <7> debug; no blank line", async () => {
    const dir = tempDir();
    const port = freePort();
    const run = spawnIntoJournalFile(["serve", "--db", `sqlite:${join(dir, "db.sqlite")}`, "--data-dir", dir, "--port", String(port), "--host", "127.0.0.1"], {
      MPESA_CB_LOG_LEVEL: "debug", MPESA_CB_CALLBACK_TOKENS: TOKEN,
    });
    cleanups.push(() => run.proc.kill("SIGKILL"));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${url}/health`).then((r) => r.status === 200, () => false), { what: "serve to answer", timeoutMs: 60_000 });
    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect((await post("/mpesa/callback/wrong-token-0123456789", failureBody(uniqueId()))).status).toBe(404); // a warning
    expect((await post(`/mpesa/callback/${TOKEN}`, failureBody(uniqueId()))).status).toBe(200); // debug and info lines
    run.proc.kill("SIGTERM");
    expect(await run.proc.exited).toBe(0);
    const text = run.text();
    expect(text).not.toMatch(/\n\s*\n/); // no blank line
    const all = lines(text);
    expect(all.filter((l) => !/^<[3467]>\S/.test(l))).toEqual([]); // a priority on every line, text right after it
    expect(all).toContainEqual(expect.stringMatching(/^<6>mpesa-cb .* listening on /));
    expect(all).toContainEqual(expect.stringMatching(/^<4>callback with a wrong path token/));
    expect(all).toContainEqual(expect.stringMatching(/^<7>settings: .*path tokens 1,/));
    expect(text).not.toContain(TOKEN);
    expect(all).toContainEqual("<6>SIGTERM: finishing requests in flight, then stopping");
    expect(text).not.toContain("\x1b["); // no colour codes in the journal
  }, 90_000);

  test("an error that stops the start is one <3> line", async () => {
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    cleanups.push(() => taken.stop(true));
    const dir = tempDir();
    const run = spawnIntoJournalFile(["serve", "--data-dir", dir, "--port", String(taken.port), "--host", "127.0.0.1"]);
    expect(await run.proc.exited).toBe(78);
    expect(lines(run.text())).toEqual([expect.stringMatching(/^<3>127\.0\.0\.1 port \d+ is already in use/)]);
  }, 60_000);

  test("a bad setting: one <3> line per problem, then one line saying what to do", async () => {
    const run = spawnIntoJournalFile(["serve", "--port", "abc", "--log-level", "verbose"]);
    expect(await run.proc.exited).toBe(78);
    const all = lines(run.text());
    expect(all.length).toBe(3);
    expect(all.every((l) => l.startsWith("<3>"))).toBe(true);
  }, 60_000);
});

test("JOURNAL_STREAM naming another stream (a child whose output was redirected) gives plain lines", async () => {
  const r = await runCli(["serve", "--port", "abc"], { env: { JOURNAL_STREAM: "1:1" } });
  expect(r.code).toBe(78);
  expect(r.stderr).not.toMatch(/^<\d>/m);
  expect(r.stderr).not.toMatch(/\n\s*\n/);
  expect(lines(r.stderr)[0]).toContain("PORT (--port)");
}, 60_000);
