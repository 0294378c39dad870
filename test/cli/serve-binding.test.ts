// serve's start-up line names the address the socket is really bound to (the port the system chose for PORT=0, and
// "every address" for a wildcard host), beside the URL that reaches it from this machine.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeBinding } from "../../src/cli/serve.ts";
import { startServeProcess, type ServeProcess } from "../support/serve-process.ts";
import { waitFor } from "../support/wait-for.ts";

const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-binding-"));
let serve: ServeProcess | undefined;
afterAll(async () => {
  serve?.proc.kill("SIGTERM");
  await serve?.proc.exited;
  rmSync(dir, { recursive: true, force: true });
});

test.each([
  ["0.0.0.0", 8000, "bound to 0.0.0.0:8000: every IPv4 address of this machine"],
  ["::", 8000, "bound to [::]:8000: every address of this machine"],
  ["127.0.0.1", 41234, "bound to 127.0.0.1:41234"],
  ["::1", 41234, "bound to [::1]:41234"],
])("%s:%d → %s", (host, port, words) => {
  expect(describeBinding(host, port)).toBe(words);
});

test("HOST=0.0.0.0, PORT=0: the line names the port the system chose and says every address", async () => {
  serve = await startServeProcess({ dbUrl: `sqlite:${join(dir, "db.sqlite")}`, dataDir: dir, port: 0, args: ["--host", "0.0.0.0"] });
  const port = new URL(serve.url).port;
  expect(Number(port)).toBeGreaterThan(0);
  await waitFor(() => (serve?.output() ?? "").includes("listening on"), { what: "the start-up line" });
  expect(serve.output()).toContain(`listening on http://127.0.0.1:${port} (bound to 0.0.0.0:${port}: every IPv4 address of this machine;`);
});
