// scripts/build.sh: the release binaries, SHA256SUMS and sizes; offline it still builds this machine's binary.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const temp = mkdtempSync(join(tmpdir(), "mpesa-cb-build-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const [host, other] = process.arch === "arm64" ? ["arm64", "x64"] : ["x64", "arm64"];
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183 }; // e_machine: EM_X86_64, EM_AARCH64

function build(env: Record<string, string>) {
  const r = Bun.spawnSync(["bash", "scripts/build.sh"], {
    cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? temp, ...env }, stdout: "pipe", stderr: "pipe",
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function elfMachine(path: string): number {
  const head = readFileSync(path).subarray(0, 20);
  return head.readUInt16LE(18);
}

function checksumsHold(dir: string): boolean {
  return Bun.spawnSync(["sha256sum", "--check", "--quiet", "SHA256SUMS"], { cwd: dir }).exitCode === 0;
}

describe("scripts/build.sh", () => {
  test("offline: builds this machine's binary, says why the other one is missing, checksums what it built", () => {
    const out = join(temp, "offline");
    const r = build({ MPESA_CB_DIST: out, MPESA_CB_BUILD_CACHE: join(temp, "empty-cache"), npm_config_registry: "http://127.0.0.1:1/" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`skipped ${out}/mpesa-cb-linux-${other}: could not fetch @oven/bun-linux-`);
    expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", "mpesa-cb", `mpesa-cb-linux-${host}`]);
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8")).toMatch(new RegExp(`^[0-9a-f]{64}  mpesa-cb-linux-${host}\\n$`));
    expect(checksumsHold(out)).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`${out}/mpesa-cb-linux-${host} +\\d+\\.\\d MiB`));
    const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: root }).stdout.toString().trim() || "unknown";
    const version = Bun.spawnSync([join(out, "mpesa-cb"), "--version"]).stdout.toString();
    expect(version).toStartWith(`mpesa-cb 0.1.0 (${commit})`);
  }, 120_000);

  test("with the npm registry: also cross-compiles for the other CPU, from a cached runtime", () => {
    const out = join(temp, "release");
    const r = build({ MPESA_CB_DIST: out });
    expect(r.code).toBe(0);
    expect(elfMachine(join(out, `mpesa-cb-linux-${host}`))).toBe(ELF_MACHINE[host]!);
    if (!existsSync(join(out, `mpesa-cb-linux-${other}`))) {
      // No registry from here: the build must have said so rather than failed.
      expect(r.stderr).toContain(`skipped ${out}/mpesa-cb-linux-${other}`);
      return;
    }
    expect(elfMachine(join(out, `mpesa-cb-linux-${other}`))).toBe(ELF_MACHINE[other]!);
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8").trim().split("\n").map((l) => l.split("  ")[1])).toEqual(
      [`mpesa-cb-linux-${other}`, `mpesa-cb-linux-${host}`].sort());
    expect(checksumsHold(out)).toBe(true);
  }, 240_000);
});
