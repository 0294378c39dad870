// The systemd units pass `systemd-analyze verify` where install.sh puts them, and keep their hardening.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EXIT_CODES } from "../../src/core/errors.ts";

const root = resolve(import.meta.dir, "../..");
const UNITS = ["mpesa-callback.service", "mpesa-cb-health.service", "mpesa-cb-health.timer", "mpesa-cb-reconcile.service", "mpesa-cb-reconcile.timer"];
const SERVICES = UNITS.filter((u) => u.endsWith(".service"));
let system: string; // a root file system holding systemd's own units and ours, as install.sh lays them out
let installOutput: string;

function run(cmd: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync(cmd, { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

beforeAll(() => {
  if (Bun.which("systemd-analyze") === null) throw new Error("systemd-analyze is missing: apt-get install -y --no-install-recommends systemd");
  system = mkdtempSync(join(tmpdir(), "mpesa-cb-units-"));
  // verify resolves dependencies (multi-user.target, sysinit.target…) inside --root: give it the machine's units.
  mkdirSync(join(system, "usr/lib/systemd"), { recursive: true });
  cpSync("/usr/lib/systemd/system", join(system, "usr/lib/systemd/system"), { recursive: true });
  const binary = join(system, "stand-in");
  writeFileSync(binary, "#!/bin/sh\necho 'mpesa-cb 0.0.0 (stand-in)'\n", { mode: 0o755 });
  const r = run(["bash", "scripts/install.sh", "--binary", binary], { DESTDIR: system });
  if (r.code !== 0) throw new Error(`install.sh failed: ${r.stderr}`);
  installOutput = r.stdout;
});
afterAll(() => rmSync(system, { recursive: true, force: true }));

function verify(unit: string) {
  return run(["systemd-analyze", "verify", `--root=${system}`, `/etc/systemd/system/${unit}`]);
}

function unitText(unit: string): string {
  return readFileSync(join(system, "etc/systemd/system", unit), "utf8");
}

describe("systemd units", () => {
  test.each(UNITS)("%s passes systemd-analyze verify without a warning", (unit) => {
    expect(verify(unit)).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("verify does report a misspelt directive (so the check above can fail)", () => {
    const unit = "mpesa-typo.service";
    writeFileSync(join(system, "etc/systemd/system", unit), unitText("mpesa-callback.service").replace("ProtectSystem=strict", "ProtectSytem=strict"));
    expect(verify(unit).stderr).toContain("Unknown key 'ProtectSytem'");
  });

  test.each(SERVICES)("%s runs the binary install.sh installed, reading the settings file it installed with --env-file", (unit) => {
    const text = unitText(unit);
    const exec = /^ExecStart=(\S+) \S+ (.*)$/m.exec(text);
    expect(exec?.[1]).toBe("/usr/local/bin/mpesa-cb");
    expect(statSync(join(system, exec?.[1] ?? "")).mode & 0o111).toBe(0o111);
    // systemd (root) hands the root-only file to the unprivileged user as a credential; the program parses it.
    expect(exec?.[2]).toContain("--env-file %d/mpesa-cb.env");
    const source = /^LoadCredential=mpesa-cb\.env:(\S+)$/m.exec(text)?.[1] ?? "";
    expect(source).toBe("/etc/mpesa-cb/mpesa-cb.env");
    expect(statSync(join(system, source)).mode & 0o777).toBe(0o600);
    expect(text).not.toMatch(/^EnvironmentFile=/m); // one reader of the file, one grammar
  });

  test("install.sh's next steps run migrate with --env-file, never by sourcing the file in a shell", () => {
    expect(installOutput).toContain("mpesa-cb migrate --env-file /etc/mpesa-cb/mpesa-cb.env");
    expect(installOutput).not.toMatch(/\. \/etc\/mpesa-cb/);
  });

  test("the server is not restarted in a loop on a bad configuration, and keeps the JIT allowed", () => {
    const text = unitText("mpesa-callback.service");
    expect(text).toMatch(/^Restart=on-failure$/m);
    expect(/^RestartPreventExitStatus=(.*)$/m.exec(text)?.[1]?.split(/\s+/)).toContain(String(EXIT_CODES.config));
    expect(text).toMatch(/^StateDirectory=mpesa-cb$/m);
    expect(text).not.toMatch(/^MemoryDenyWriteExecute=/m);
  });

  test.each(SERVICES)("%s keeps a low exposure in systemd-analyze security", (unit) => {
    const r = run(["systemd-analyze", "security", "--offline=yes", `--root=${system}`, `/etc/systemd/system/${unit}`]);
    const level = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(r.stdout + r.stderr)?.[1]);
    expect(level).toBeLessThanOrEqual(2);
  });
});
