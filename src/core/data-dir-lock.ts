// One `serve` per data directory: its spool must have a single writer. The lock is a file `serve.lock` naming the
// process that holds it, created whole in one step (written aside, then hard-linked into place, which fails if one
// exists); a lock whose process is gone (dead, the machine rebooted, or the pid reused) is stale and taken over.
import { hostname } from "node:os";
import { join } from "node:path";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { AppError } from "./errors.ts";

export const LOCK_FILE = "serve.lock";

interface Holder {
  pid: number;
  host: string;
  bootId: string; // /proc/sys/kernel/random/boot_id: a lock from before a reboot is stale whatever its pid
  processStart: string; // field 22 of /proc/<pid>/stat: tells the holder from a later process given the same pid
  startedAt: string; // for people
}

export interface DataDirLock {
  path: string;
  release(): void;
}

/** Takes the data directory's lock, or throws an AppError naming the process that holds it and what to do. */
export function lockDataDir(dir: string, log: (line: string) => void = () => {}): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const me = currentHolder();
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, text)) return { path, release: () => releaseIfOurs(path, text) };
    const raw = readText(path);
    if (raw === null) continue; // released between our try and our read
    const holder = parseHolder(raw);
    if (holder !== null && holderAlive(holder, me)) throw heldError(dir, path, holder);
    if (takeAside(path, raw)) log(`the data directory ${dir} had a stale lock (${describe(holder, raw)}, no longer running): taken over`);
  }
  throw new AppError("host", `the data directory ${dir} could not be locked: ${path} keeps changing (another mpesa-cb starting at the same moment?)`, {
    hint: "start one `mpesa-cb serve` per data directory (MPESA_CB_DATA_DIR, --data-dir)",
  });
}

// Written aside then linked: the lock never exists half-written, and link() fails with EEXIST if one is there.
function tryCreate(path: string, text: string): boolean {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, text, { mode: 0o600 });
  try {
    linkSync(aside, path);
    return true;
  } catch (e) {
    if ((e as { code?: unknown }).code === "EEXIST") return false;
    throw e;
  } finally {
    unlinkSync(aside);
  }
}

// Moves the stale lock out of the way, unless it changed since it was read (another starter took it over first: then
// its fresh lock is put back, and the next attempt reads it).
function takeAside(path: string, staleText: string): boolean {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return false;
  }
  const moved = readText(aside);
  if (moved === staleText) {
    unlinkSync(aside);
    return true;
  }
  try {
    linkSync(aside, path);
  } catch {
    // a third starter holds it now; the one we moved was newer than the stale one and is lost to it
  }
  unlinkSync(aside);
  return false;
}

function releaseIfOurs(path: string, text: string): void {
  if (readText(path) === text) unlinkSync(path);
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function parseHolder(raw: string): Holder | null {
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    return typeof h.pid === "number" && typeof h.host === "string" ? (h as Holder) : null;
  } catch {
    return null; // not ours or damaged: nothing holds it
  }
}

/** Alive: on this machine since its boot, the pid exists, and it is the same process (same start time). */
function holderAlive(h: Holder, me: Holder): boolean {
  if (h.host !== me.host) return true; // a directory shared across machines: its holder cannot be checked from here
  if (h.bootId !== me.bootId) return false;
  if (!pidExists(h.pid) || isZombie(h.pid)) return false;
  return h.processStart === "" || processStart(h.pid) === h.processStart;
}

// Killed but not yet reaped by its parent: still answers kill(pid, 0), yet holds nothing.
function isZombie(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`);
  const state = stat === null ? "" : stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code === "EPERM"; // another user's process: alive
  }
}

function currentHolder(): Holder {
  return { pid: process.pid, host: hostname(), bootId: readText("/proc/sys/kernel/random/boot_id")?.trim() ?? "", processStart: processStart(process.pid), startedAt: new Date().toISOString() };
}

// /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so count from the last ")".
function processStart(pid: number): string {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return "";
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

function describe(h: Holder | null, raw: string): string {
  return h === null ? `unreadable: ${JSON.stringify(raw.slice(0, 60))}` : `process ${h.pid} on ${h.host}, started ${h.startedAt}`;
}

function heldError(dir: string, path: string, h: Holder): AppError {
  return new AppError("host", `the data directory ${dir} is in use by another mpesa-cb serve (process ${h.pid} on ${h.host}, started ${h.startedAt})`, {
    hint: `each serve needs its own data directory (its spool has one writer): stop process ${h.pid} (\`ps -p ${h.pid} -o pid,args\`) ` +
      `or give this one another (MPESA_CB_DATA_DIR, --data-dir); if no such process runs, remove ${path}`,
  });
}
