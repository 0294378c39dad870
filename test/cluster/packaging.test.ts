// The operators' example packaging/haproxy.cfg is a valid HAProxy configuration (its public bind and certificate
// replaced by a loopback port, which is all `haproxy -c` cannot check here), with the retry settings the README names.
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensurePackages } from "../../scripts/cluster/packages.ts";
import { freePort } from "../../scripts/cluster/wait.ts";

const example = readFileSync(resolve(import.meta.dir, "../../packaging/haproxy.cfg"), "utf8");

test("packaging/haproxy.cfg passes haproxy -c and retries a callback on another instance", () => {
  ensurePackages();
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-haproxy-"));
  try {
    const local = example.replace(/bind \S+ ssl crt \S+/, `bind 127.0.0.1:${freePort()}`).replace(/^ {2}(user|group) haproxy$/gm, "");
    expect(local).not.toEqual(example);
    writeFileSync(join(dir, "haproxy.cfg"), local);
    const r = Bun.spawnSync(["haproxy", "-c", "-f", join(dir, "haproxy.cfg")], { stdout: "pipe", stderr: "pipe" });
    expect([r.exitCode, r.stdout.toString() + r.stderr.toString()]).toEqual([0, expect.stringContaining("Configuration file is valid")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const line of ["retries 3", "option redispatch 1", "retry-on conn-failure empty-response response-timeout 502 503 504", "option httpchk GET /health", "backup"]) {
    expect(example).toContain(line);
  }
});
