// `mpesa-cb serve` as a child process (from source, with this Bun), for crash and shutdown tests.
import { resolve } from "node:path";
import type { Subprocess } from "bun";

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");

export interface ServeProcess {
  url: string;
  proc: Subprocess;
  output(): string;
}

/** Starts serve; with `port: 0` it binds a free port itself and the URL is read from its "listening on" line. */
export async function startServeProcess(o: { dbUrl: string; dataDir: string; port: number; env?: Record<string, string>; args?: string[] }): Promise<ServeProcess> {
  const proc = Bun.spawn([process.execPath, MAIN, "serve", "--db", o.dbUrl, "--data-dir", o.dataDir, "--port", String(o.port), "--host", "127.0.0.1", ...(o.args ?? [])], {
    env: { PATH: process.env.PATH ?? "", MPESA_CB_LOG_LEVEL: "info", ...o.env }, stdout: "pipe", stderr: "pipe",
  });
  let text = "";
  collectOutput(proc, (chunk) => (text += chunk));
  let url = o.port === 0 ? null : `http://127.0.0.1:${o.port}`;
  for (let i = 0; i < 300; i++) {
    url ??= listeningUrl(text);
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
