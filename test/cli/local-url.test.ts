// One rule for "the URL that reaches a server on this machine": a wildcard address means the loopback address of
// its family. serve's start-up line and the default --url of simulate and health use the same function.
import { expect, test } from "bun:test";
import { localServerUrl } from "../../src/core/simulate/http.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsola } from "consola";
import { parseConfig } from "../../src/core/config.ts";
import { startService } from "../../src/server/service.ts";

test.each([
  [undefined, undefined, "http://127.0.0.1:8000"],
  ["", "9000", "http://127.0.0.1:9000"],
  ["0.0.0.0", "8000", "http://127.0.0.1:8000"],
  ["::", "8000", "http://[::1]:8000"], // IPv6 any: ::1 answers even where the socket is IPv6-only
  ["127.0.0.1", "8000", "http://127.0.0.1:8000"],
  ["::1", "8000", "http://[::1]:8000"],
  ["pay.example.co.ke", "8000", "http://pay.example.co.ke:8000"],
])("host %p port %p → %s", (host, port, url) => {
  expect(localServerUrl(host, port)).toBe(url);
});

test.each(["0.0.0.0", "::"])("serve on %s says a URL that answers", async (host) => {
  const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-local-url-"));
  const config = parseConfig({ MPESA_CB_DATA_DIR: dataDir }, { host, port: 0 });
  if (!config.ok) throw new Error(JSON.stringify(config.problems));
  const svc = await startService(config.value, createConsola({ level: -999 }), "test");
  try {
    expect(svc.url).toBe(localServerUrl(host, String(svc.port)));
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
  } finally {
    await svc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);
