// scripts/install.sh into a temporary DESTDIR, twice: the files, their modes, and the operator's settings kept.
import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const temp = mkdtempSync(join(tmpdir(), "mpesa-cb-install-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A stand-in for the 120 MB binary: install.sh only copies it and asks its --version. */
function standIn(name: string, version: string): string {
  const path = join(temp, name);
  writeFileSync(path, `#!/bin/sh\necho "mpesa-cb ${version} (stand-in)"\n`, { mode: 0o755 });
  return path;
}

function install(destdir: string, args: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync(["bash", "scripts/install.sh", ...args], {
    cwd: root, env: { PATH: process.env.PATH ?? "", DESTDIR: destdir, ...env }, stdout: "pipe", stderr: "pipe",
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const EXPECTED: Record<string, number> = {
  "usr/local/bin/mpesa-cb": 0o755,
  "etc/systemd/system/mpesa-callback.service": 0o644,
  "etc/systemd/system/mpesa-cb-health.service": 0o644,
  "etc/systemd/system/mpesa-cb-health.timer": 0o644,
  "etc/mpesa-cb": 0o750,
  "etc/mpesa-cb/mpesa-cb.env": 0o600,
  "etc/mpesa-cb/mpesa-cb.env.example": 0o644,
  "usr/local/share/doc/mpesa-cb/README.md": 0o644,
};

function modes(destdir: string): Record<string, number> {
  return Object.fromEntries(Object.keys(EXPECTED).map((p) => [p, statSync(join(destdir, p)).mode & 0o7777]));
}

describe("scripts/install.sh", () => {
  test("lays out the files with their modes; a second run upgrades the binary and keeps the settings", () => {
    const dest = join(temp, "twice");
    const first = install(dest, ["--binary", standIn("v1", "1.0.0")]);
    expect([first.code, first.stderr]).toEqual([0, ""]);
    expect(modes(dest)).toEqual(EXPECTED);
    expect(first.stdout).toContain("created /etc/mpesa-cb/mpesa-cb.env from the template");
    expect(first.stdout).toContain("systemctl enable --now mpesa-callback");
    expect(readFileSync(join(dest, "etc/mpesa-cb/mpesa-cb.env"), "utf8")).toBe(readFileSync(join(root, "packaging/mpesa-cb.env.example"), "utf8"));

    const env = join(dest, "etc/mpesa-cb/mpesa-cb.env");
    appendFileSync(env, "DATABASE_URL=mysql://app:secret@db/pay\n");
    chmodSync(env, 0o644); // an operator loosened it
    const second = install(dest, ["--binary", standIn("v2", "2.0.0")]);
    expect([second.code, second.stderr]).toEqual([0, ""]);
    expect(modes(dest)).toEqual(EXPECTED); // 0600 again
    expect(readFileSync(env, "utf8")).toEndWith("DATABASE_URL=mysql://app:secret@db/pay\n");
    expect(second.stdout).toContain("kept your /etc/mpesa-cb/mpesa-cb.env");
    expect(second.stdout).toContain("installed mpesa-cb 2.0.0 (stand-in)");
    expect(readFileSync(join(dest, "usr/local/bin/mpesa-cb"), "utf8")).toContain("2.0.0");
  });

  test("the units name the installed binary and settings file, also under another PREFIX and SYSCONFDIR", () => {
    const dest = join(temp, "opt");
    const r = install(dest, ["--binary", standIn("v3", "3.0.0")], { PREFIX: "/opt/mpesa-cb", SYSCONFDIR: "/opt/etc" });
    expect(r.code).toBe(0);
    for (const unit of ["mpesa-callback.service", "mpesa-cb-health.service"]) {
      const text = readFileSync(join(dest, "etc/systemd/system", unit), "utf8");
      expect(text).toMatch(/^ExecStart=\/opt\/mpesa-cb\/bin\/mpesa-cb (serve|health)/m);
      expect(text).toMatch(/^EnvironmentFile=\/opt\/etc\/mpesa-cb\/mpesa-cb\.env$/m);
      expect(text).not.toContain("/usr/local/");
    }
    expect(statSync(join(dest, "opt/mpesa-cb/bin/mpesa-cb")).mode & 0o777).toBe(0o755);
    expect(statSync(join(dest, "opt/etc/mpesa-cb/mpesa-cb.env")).mode & 0o777).toBe(0o600);
  });

  test.each([
    [["--binary", "/nonexistent/mpesa-cb"], "/nonexistent/mpesa-cb is not an executable file"],
    [["--frobnicate"], "unknown argument --frobnicate"],
  ])("%p fails and says why", (args, message) => {
    const r = install(join(temp, "bad"), args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
