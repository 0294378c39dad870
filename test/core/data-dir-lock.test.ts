// One serve per data directory: the lock file, its stale takeover, and real serve processes refused or taking over.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LOCK_FILE, lockDataDir } from "../../src/core/data-dir-lock.ts";
import { AppError, EXIT_CODES } from "../../src/core/errors.ts";
import { collectOutput, startServeProcess, type ServeProcess } from "../support/serve-process.ts";
import { waitFor } from "../support/wait-for.ts";

const dirs: string[] = [];
const procs: ServeProcess["proc"][] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "mpesa-cb-lock-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const p of procs.splice(0)) p.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

/** A pid that existed and is gone now. */
async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

describe("the data directory lock", () => {
  test("a second lock on a directory in use is refused, naming the directory and the process; released, it is free", () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    let refused: unknown;
    try {
      lockDataDir(dir);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(AppError);
    const e = refused as AppError;
    expect(e.kind).toBe("host");
    expect(EXIT_CODES[e.kind]).toBe(78);
    expect(e.message).toContain(`the data directory ${dir} is in use by another mpesa-cb serve (process ${process.pid} on ${hostname()}`);
    expect(e.hint).toContain("its own data directory");
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
  });

  test.each([
    ["its process is gone", async () => ({ pid: await deadPid(), host: hostname(), bootId: bootId(), processStart: "1", startedAt: "2026-01-01T00:00:00.000Z" })],
    ["it is from before the last boot", async () => ({ pid: process.pid, host: hostname(), bootId: "another-boot", processStart: "1", startedAt: "2026-01-01T00:00:00.000Z" })],
    ["its pid now belongs to another process", async () => ({ pid: process.pid, host: hostname(), bootId: bootId(), processStart: "1", startedAt: "2026-01-01T00:00:00.000Z" })],
    ["it cannot be read", async () => "half a lo"],
  ])("a stale lock is taken over, with a log line: %s", async (_why, make) => {
    const dir = tempDir();
    const stale = await make();
    writeFileSync(join(dir, LOCK_FILE), typeof stale === "string" ? stale : JSON.stringify(stale));
    const lines: string[] = [];
    const lock = lockDataDir(dir, (l) => lines.push(l));
    expect(lines.join("\n")).toContain(`the data directory ${dir} had a stale lock`);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  test("a lock whose process was killed but not yet reaped (a zombie) is stale", async () => {
    const dir = tempDir();
    // A grandchild whose parent never waits (it became `sleep 60`): once killed it stays a zombie.
    const parent = Bun.spawn(["sh", "-c", "sleep 30 & echo $!; exec sleep 60"], { stdout: "pipe" });
    procs.push(parent);
    const reader = (parent.stdout as ReadableStream<Uint8Array>).getReader();
    const child = { pid: Number(new TextDecoder().decode((await reader.read()).value).trim()) };
    const stat = () => readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const start = stat().slice(stat().lastIndexOf(")") + 2).split(" ")[19];
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: hostname(), bootId: bootId(), processStart: start, startedAt: "2026-01-01T00:00:00.000Z" }));
    expect(() => lockDataDir(dir)).toThrow(`process ${child.pid}`); // alive: held
    process.kill(child.pid, "SIGKILL");
    await waitFor(() => stat().slice(stat().lastIndexOf(")") + 2, stat().lastIndexOf(")") + 3) === "Z", { what: "the child a zombie" });
    const lines: string[] = [];
    lockDataDir(dir, (l) => lines.push(l)).release();
    expect(lines.join("\n")).toContain("had a stale lock");
  });

  test("a lock held on another machine (a shared directory) is never taken over", () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: "other-host", bootId: "x", processStart: "1", startedAt: "2026-01-01T00:00:00.000Z" }));
    expect(() => lockDataDir(dir)).toThrow("is in use by another mpesa-cb serve (process 1 on other-host");
  });
});

describe("serve processes on one data directory", () => {
  test("a second serve exits 78 naming the directory and the first's pid; after the first is killed -9, a new one starts", async () => {
    const dataDir = tempDir();
    const dbUrl = `sqlite:${join(dataDir, "mpesa-cb.sqlite")}`;
    const first = await startServeProcess({ dbUrl, dataDir, port: 0 });
    procs.push(first.proc);

    const main = resolve(import.meta.dir, "../../src/cli/main.ts");
    const second = Bun.spawn([process.execPath, main, "serve", "--db", dbUrl, "--data-dir", dataDir, "--port", "0", "--host", "127.0.0.1"], {
      env: { PATH: process.env.PATH ?? "", MPESA_CB_LOG_LEVEL: "info" }, stdout: "pipe", stderr: "pipe",
    });
    procs.push(second);
    let text = "";
    collectOutput(second, (t) => (text += t));
    expect(await second.exited).toBe(78);
    await waitFor(() => text.includes("its own data directory"), { what: "the refusal's hint" });
    expect(text).toContain(`the data directory ${dataDir} is in use by another mpesa-cb serve (process ${first.proc.pid}`);

    first.proc.kill("SIGKILL");
    await first.proc.exited;
    const third = await startServeProcess({ dbUrl, dataDir, port: 0 });
    procs.push(third.proc);
    await waitFor(() => third.output().includes("had a stale lock"), { what: "the takeover logged" });
    expect(third.output()).toContain(`process ${first.proc.pid}`);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")).pid).toBe(third.proc.pid);

    third.proc.kill("SIGTERM"); // a clean stop releases the lock
    await third.proc.exited;
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  }, 60_000);
});
