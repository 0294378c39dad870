// `mpesa-cb serve` as a child process (from source, with this Bun), for crash and shutdown tests.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";
import type { Subprocess } from "bun";

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");

export interface ServeProcess {
  url: string;
  proc: Subprocess;
  output(): string;
}

/**
 * Starts serve; with `port: 0` it binds a free port itself, read from its "listening on" line (or, when the log
 * level hides that line, from the process's own listening socket).
 */
export async function startServeProcess(o: { dbUrl: string; dataDir: string; port: number; env?: Record<string, string>; args?: string[] }): Promise<ServeProcess> {
  const proc = Bun.spawn([process.execPath, MAIN, "serve", "--db", o.dbUrl, "--data-dir", o.dataDir, "--port", String(o.port), "--host", "127.0.0.1", ...(o.args ?? [])], {
    env: { PATH: process.env.PATH ?? "", MPESA_CB_LOG_LEVEL: "info", ...o.env }, stdout: "pipe", stderr: "pipe",
  });
  let text = "";
  collectOutput(proc, (chunk) => (text += chunk));
  let url = o.port === 0 ? null : `http://127.0.0.1:${o.port}`;
  for (let i = 0; i < 300; i++) {
    url ??= listeningUrl(text) ?? portUrl(listeningPorts(proc.pid)[0]);
    if (url !== null && (await fetch(`${url}/health`).then((r) => r.status < 500, () => false))) return { url, proc, output: () => text };
    if (proc.exitCode !== null) break;
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(`serve did not come up on ${url ?? "(no listening line yet)"}:\n${text}`);
}

/** Appends everything a child writes to stdout and stderr, as text. */
export function collectOutput(proc: Subprocess, add: (text: string) => void): void {
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  void collect(proc.stdout as ReadableStream<Uint8Array>);
  void collect(proc.stderr as ReadableStream<Uint8Array>);
}

/** The URL in serve's "… listening on http://HOST:PORT (…)" line, once it has been logged. */
export function listeningUrl(log: string): string | null {
  return /listening on (http:\/\/\S+)/.exec(log)?.[1] ?? null;
}

function portUrl(port: number | undefined): string | null {
  return port === undefined ? null : `http://127.0.0.1:${port}`;
}

/** The TCP ports a process listens on, from /proc (Linux): its socket inodes matched against /proc/net/tcp{,6}. */
export function listeningPorts(pid: number): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSyncSafe(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    }
    const ports: number[] = [];
    for (const table of ["tcp", "tcp6"]) {
      for (const line of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/); // sl local_address rem_address st … inode
        if (f[3] === "0A" && inodes.has(f[9] ?? "")) ports.push(Number.parseInt((f[1] ?? "").split(":")[1] ?? "", 16));
      }
    }
    return ports;
  } catch {
    return []; // not started yet, or gone
  }
}

function readlinkSyncSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

/**
 * A port that was free a moment ago (bound and released). Racy: another process may take it before the server
 * binds it. Prefer `port: 0` and the port the server reports.
 */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port as number;
  s.stop(true);
  return port;
}
