// scripts/build.sh: the release binaries, SHA256SUMS and sizes. A release build that cannot fetch the other CPU's
// runtime fails and says why (it used to pass with one binary missing); MPESA_CB_TARGETS=native is the explicit
// way to build this CPU's release binary only.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const temp = mkdtempSync(join(tmpdir(), "mpesa-cb-build-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const [host, other] = process.arch === "arm64" ? ["arm64", "x64"] : ["x64", "arm64"];
const otherPkg = other === "arm64" ? "aarch64" : "x64";
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183 }; // e_machine: EM_X86_64, EM_AARCH64
const OFFLINE = { npm_config_registry: "http://127.0.0.1:1/" }; // nothing listens there

/** The version line names 0.1.0 and a commit of this checkout (others may commit while the tests run). */
function expectReleaseVersion(line: string): void {
  const commit = /^mpesa-cb 0\.1\.0 \(([0-9a-f]{7,})\)/.exec(line)?.[1];
  expect(commit === undefined ? line : "0.1.0 (commit)").toBe("0.1.0 (commit)");
  expect(Bun.spawnSync(["git", "merge-base", "--is-ancestor", commit ?? "", "HEAD"], { cwd: root }).exitCode).toBe(0);
}

async function build(env: Record<string, string>) {
  const r = Bun.spawn(["bash", "scripts/build.sh"], {
    cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? temp, ...env }, stdout: "pipe", stderr: "pipe",
  });
  const [code, stdout, stderr] = await Promise.all([r.exited, new Response(r.stdout).text(), new Response(r.stderr).text()]);
  return { code, stdout, stderr };
}

function elfMachine(path: string): number {
  const head = readFileSync(path).subarray(0, 20);
  expect(head.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
  return head.readUInt16LE(18);
}

function checksumsHold(dir: string): boolean {
  return Bun.spawnSync(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], { cwd: dir }).exitCode === 0;
}

function listedInChecksums(dir: string): string[] {
  return readFileSync(join(dir, "SHA256SUMS"), "utf8").trim().split("\n").map((l) => l.split("  ")[1] ?? "?");
}

describe("scripts/build.sh", () => {
  test("offline: the release build fails, names what it could not fetch, and writes no SHA256SUMS", async () => {
    const out = join(temp, "offline");
    const r = await build({ MPESA_CB_DIST: out, MPESA_CB_BUILD_CACHE: join(temp, "empty-cache"), ...OFFLINE });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: could not fetch @oven/bun-linux-${otherPkg}@`);
    expect(r.stderr).toContain(`${out}/mpesa-cb-linux-${other} was not built`);
    expect(r.stderr).toContain("MPESA_CB_TARGETS=native");
    expect(readdirSync(out).sort()).toEqual(["mpesa-cb", `mpesa-cb-linux-${host}`]); // no SHA256SUMS: not a release
  }, 180_000);

  test("offline with MPESA_CB_TARGETS=native: this CPU's release binary and its checksum, on purpose", async () => {
    const out = join(temp, "native");
    const r = await build({ MPESA_CB_DIST: out, MPESA_CB_TARGETS: "native", MPESA_CB_BUILD_CACHE: join(temp, "empty-cache"), ...OFFLINE });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", "mpesa-cb", `mpesa-cb-linux-${host}`]);
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8")).toMatch(new RegExp(`^[0-9a-f]{64}  mpesa-cb-linux-${host}\\n$`));
    expect(checksumsHold(out)).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`${out}/mpesa-cb-linux-${host} +\\d+\\.\\d MiB`));
    expectReleaseVersion(Bun.spawnSync([join(out, `mpesa-cb-linux-${host}`), "--version"]).stdout.toString());
  }, 180_000);

  test("an unknown MPESA_CB_TARGETS is refused before anything is built", async () => {
    const out = join(temp, "bad-targets");
    const r = await build({ MPESA_CB_DIST: out, MPESA_CB_TARGETS: "arm" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("MPESA_CB_TARGETS=arm: use all, native or host");
    expect(existsSync(out)).toBe(false);
  });

  test("with the npm registry: fetches the other CPU's runtime, cross-compiles, checksums both; then builds from the cache offline", async () => {
    const out = join(temp, "release");
    const cache = join(temp, "fresh-cache"); // empty: the runtime must really come from npm
    const r = await build({ MPESA_CB_DIST: out, MPESA_CB_BUILD_CACHE: cache });
    expect([r.code, r.stderr]).toEqual([0, ""]); // a build that could not fetch fails (see above), so this one fetched
    expect(existsSync(join(cache, `bun-linux-${otherPkg}-${Bun.version}`, "package/bin/bun"))).toBe(true);
    expect(elfMachine(join(out, `mpesa-cb-linux-${host}`))).toBe(ELF_MACHINE[host]!);
    expect(elfMachine(join(out, `mpesa-cb-linux-${other}`))).toBe(ELF_MACHINE[other]!);
    expect(listedInChecksums(out)).toEqual([`mpesa-cb-linux-${other}`, `mpesa-cb-linux-${host}`].sort());
    expect(checksumsHold(out)).toBe(true);

    const again = await build({ MPESA_CB_DIST: join(temp, "from-cache"), MPESA_CB_BUILD_CACHE: cache, ...OFFLINE });
    expect([again.code, again.stderr]).toEqual([0, ""]);
    expect(elfMachine(join(temp, "from-cache", `mpesa-cb-linux-${other}`))).toBe(ELF_MACHINE[other]!);
  }, 300_000);
});
