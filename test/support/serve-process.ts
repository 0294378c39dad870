// `mpesa-cb serve` as a child process (from source, with this Bun), for crash and shutdown tests.
import { resolve } from "node:path";
import type { Subprocess } from "bun";

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");

export interface ServeProcess {
  url: string;
  proc: Subprocess;
  output(): string;
}

export async function startServeProcess(o: { dbUrl: string; dataDir: string; port: number; env?: Record<string, string> }): Promise<ServeProcess> {
  const proc = Bun.spawn([process.execPath, MAIN, "serve", "--db", o.dbUrl, "--data-dir", o.dataDir, "--port", String(o.port), "--host", "127.0.0.1"], {
    env: { PATH: process.env.PATH ?? "", MPESA_CB_LOG_LEVEL: "info", ...o.env }, stdout: "pipe", stderr: "pipe",
  });
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += new TextDecoder().decode(chunk);
  };
  void collect(proc.stdout as ReadableStream<Uint8Array>);
  void collect(proc.stderr as ReadableStream<Uint8Array>);
  const url = `http://127.0.0.1:${o.port}`;
  for (let i = 0; i < 150; i++) {
    if (await fetch(`${url}/health`).then((r) => r.status < 500, () => false)) return { url, proc, output: () => text };
    if (proc.exitCode !== null) break;
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(`serve did not come up on ${url}:\n${text}`);
}

export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port as number;
  s.stop(true);
  return port;
}
