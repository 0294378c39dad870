// scripts/install.sh into a temporary DESTDIR: the real compiled binary, picked from dist/ as the README promises
// ("picks dist/mpesa-cb-linux-<this CPU>"), installed and run; the files, their modes, the operator's settings kept.
// install.sh finds dist/ next to itself, so each test copies the script and what it installs into a temporary
// checkout (the real dist/ is left alone).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildBinary } from "../support/built-binary.ts";

const root = resolve(import.meta.dir, "../..");
const temp = mkdtempSync(join(tmpdir(), "mpesa-cb-install-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const [cpu, otherCpu] = process.arch === "arm64" ? ["arm64", "x64"] : ["x64", "arm64"];
let realBinary: string;
let realVersion: string; // what the freshly built binary says: "mpesa-cb 0.1.0 (<commit>)"
beforeAll(async () => {
  realBinary = await buildBinary(join(temp, "built"));
  realVersion = Bun.spawnSync([realBinary, "--version"]).stdout.toString().trim();
  expect(realVersion).toMatch(/^mpesa-cb 0\.1\.0 \([0-9a-f]{7,}\)/);
}, 180_000);

/** A copy of the checkout as an operator ships it (scripts/, packaging/, the unit files, README) with this dist/. */
function checkout(name: string, dist: Record<string, string>): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, "dist"), { recursive: true });
  for (const sub of ["scripts", "packaging"]) cpSync(join(root, sub), join(dir, sub), { recursive: true });
  for (const f of readdirSync(root)) if (statSync(join(root, f)).isFile()) copyFileSync(join(root, f), join(dir, f));
  for (const [file, from] of Object.entries(dist)) copyFileSync(from, join(dir, "dist", file));
  return dir;
}

/** A small executable that says which file it is: for the binaries install.sh must NOT pick, and for upgrades. */
function standIn(name: string, version: string): string {
  const path = join(temp, name);
  writeFileSync(path, `#!/bin/sh\necho "mpesa-cb ${version} (stand-in)"\n`, { mode: 0o755 });
  return path;
}

function install(dir: string, destdir: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = Bun.spawnSync(["bash", join(dir, "scripts/install.sh"), ...args], {
    cwd: dir, env: { PATH: process.env.PATH ?? "", DESTDIR: destdir, ...env }, stdout: "pipe", stderr: "pipe",
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function sha256(path: string): string {
  return new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
}

function runInstalled(destdir: string, args: string[]) {
  const r = Bun.spawnSync([join(destdir, "usr/local/bin/mpesa-cb"), ...args], { env: {}, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const EXPECTED: Record<string, number> = {
  "usr/local/bin/mpesa-cb": 0o755,
  "etc/systemd/system/mpesa-callback.service": 0o644,
  "etc/systemd/system/mpesa-cb-health.service": 0o644,
  "etc/systemd/system/mpesa-cb-health.timer": 0o644,
  "etc/systemd/system/mpesa-cb-reconcile.service": 0o644,
  "etc/systemd/system/mpesa-cb-reconcile.timer": 0o644,
  "etc/mpesa-cb": 0o750,
  "etc/mpesa-cb/mpesa-cb.env": 0o600,
  "etc/mpesa-cb/mpesa-cb.env.example": 0o644,
  "usr/local/share/doc/mpesa-cb/README.md": 0o644,
};

function modes(destdir: string): Record<string, number> {
  return Object.fromEntries(Object.keys(EXPECTED).map((p) => [p, statSync(join(destdir, p)).mode & 0o7777]));
}

describe("scripts/install.sh", () => {
  test(`picks dist/mpesa-cb-linux-${cpu} (not the other CPU's, not dist/mpesa-cb), and the installed binary runs`, () => {
    const dir = checkout("picks", {
      [`mpesa-cb-linux-${cpu}`]: realBinary,
      [`mpesa-cb-linux-${otherCpu}`]: standIn("other-cpu", "9.9.9-other-cpu"),
      "mpesa-cb": standIn("host-build", "9.9.9-host-build"),
    });
    const dest = join(temp, "picks-root");
    const r = install(dir, dest);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(sha256(join(dest, "usr/local/bin/mpesa-cb"))).toBe(sha256(realBinary));
    expect(r.stdout).toContain(`installed ${realVersion}`);
    const version = runInstalled(dest, ["--version"]);
    expect([version.code, version.stderr]).toEqual([0, ""]);
    expect(version.stdout).toStartWith(realVersion);
    const help = runInstalled(dest, ["serve", "--help"]);
    expect([help.code, help.stdout.includes("Usage: mpesa-cb serve")]).toEqual([0, true]);
  }, 60_000);

  test("without release binaries it installs dist/mpesa-cb, the build machine's own", () => {
    const dir = checkout("host-only", { "mpesa-cb": realBinary, [`mpesa-cb-linux-${otherCpu}`]: standIn("other-cpu-2", "9.9.9-other-cpu") });
    const dest = join(temp, "host-only-root");
    const r = install(dir, dest);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(sha256(join(dest, "usr/local/bin/mpesa-cb"))).toBe(sha256(realBinary));
    expect(runInstalled(dest, ["--version"]).stdout).toStartWith(realVersion);
  }, 60_000);

  test("with an empty dist/ it fails and says to build first", () => {
    const dir = checkout("empty", {});
    const r = install(dir, join(temp, "empty-root"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no binary in ${dir}/dist: build one first (npm run build) or pass --binary PATH`);
  });

  test("lays out the files with their modes; a second run upgrades the binary and keeps the settings", () => {
    const dir = checkout("twice", { [`mpesa-cb-linux-${cpu}`]: realBinary });
    const dest = join(temp, "twice-root");
    const first = install(dir, dest);
    expect([first.code, first.stderr]).toEqual([0, ""]);
    expect(modes(dest)).toEqual(EXPECTED);
    expect(first.stdout).toContain("created /etc/mpesa-cb/mpesa-cb.env from the template");
    expect(first.stdout).toContain("systemctl enable --now mpesa-callback");
    expect(readFileSync(join(dest, "etc/mpesa-cb/mpesa-cb.env"), "utf8")).toBe(readFileSync(join(root, "packaging/mpesa-cb.env.example"), "utf8"));
    expect(runInstalled(dest, ["--version"]).stdout).toStartWith(realVersion);

    const env = join(dest, "etc/mpesa-cb/mpesa-cb.env");
    appendFileSync(env, "DATABASE_URL=mysql://app:secret@db/pay\n");
    chmodSync(env, 0o644); // an operator loosened it
    const second = install(dir, dest, ["--binary", standIn("v2", "2.0.0")]);
    expect([second.code, second.stderr]).toEqual([0, ""]);
    expect(modes(dest)).toEqual(EXPECTED); // 0600 again
    expect(readFileSync(env, "utf8")).toEndWith("DATABASE_URL=mysql://app:secret@db/pay\n");
    expect(second.stdout).toContain("kept your /etc/mpesa-cb/mpesa-cb.env");
    expect(second.stdout).toContain("installed mpesa-cb 2.0.0 (stand-in)");
    expect(runInstalled(dest, ["--version"]).stdout).toBe("mpesa-cb 2.0.0 (stand-in)\n");
  }, 60_000);

  test("the units name the installed binary and settings file, also under another PREFIX and SYSCONFDIR", () => {
    const dir = checkout("opt", { [`mpesa-cb-linux-${cpu}`]: realBinary });
    const dest = join(temp, "opt-root");
    const r = install(dir, dest, [], { PREFIX: "/opt/mpesa-cb", SYSCONFDIR: "/opt/etc" });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    for (const unit of ["mpesa-callback.service", "mpesa-cb-health.service"]) {
      const text = readFileSync(join(dest, "etc/systemd/system", unit), "utf8");
      expect(text).toMatch(/^ExecStart=\/opt\/mpesa-cb\/bin\/mpesa-cb (serve|health)/m);
      // The settings file, by the installed path: read by systemd (EnvironmentFile=) or handed over (LoadCredential=).
      expect(text).toMatch(/^(EnvironmentFile=|LoadCredential=mpesa-cb\.env:)\/opt\/etc\/mpesa-cb\/mpesa-cb\.env$/m);
      expect(text).not.toContain("/usr/local/");
    }
    expect(statSync(join(dest, "opt/mpesa-cb/bin/mpesa-cb")).mode & 0o777).toBe(0o755);
    expect(sha256(join(dest, "opt/mpesa-cb/bin/mpesa-cb"))).toBe(sha256(realBinary));
    expect(statSync(join(dest, "opt/etc/mpesa-cb/mpesa-cb.env")).mode & 0o777).toBe(0o600);
  }, 60_000);

  test.each([
    [["--binary", "/nonexistent/mpesa-cb"], "/nonexistent/mpesa-cb is not an executable file"],
    [["--frobnicate"], "unknown argument --frobnicate"],
  ])("%p fails and says why", (args, message) => {
    const r = install(checkout(`bad-${args.length}`, {}), join(temp, "bad"), args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
