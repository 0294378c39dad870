// One `mpesa-cb serve` for the cluster harness: its own port and data directory, from source (this Bun and
// src/cli/main.ts) or a built binary; kill -9 and restart it on the same port and directory.
import { mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { freePort, waitUntil } from "./wait.ts";

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");

export interface InstanceOptions {
  name: string;
  dir: string; // the data directory (spool) and the log file live here
  databaseUrl: string;
  binary?: string; // a built mpesa-cb; else serve runs from source with this Bun
  env?: Record<string, string>;
}

export interface Instance {
  name: string;
  url: string;
  port: number;
  dataDir: string;
  logFile: string;
  proc: Subprocess | null;
  start(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals | number): void;
  /** GET /health as JSON (null when it does not answer). */
  health(): Promise<{ status: string; spool?: { depth: number }; database?: { status: string }; review?: { quarantined: number }; telegram?: { status: string } } | null>;
}

export function createInstance(o: InstanceOptions): Instance {
  const port = freePort();
  const dataDir = join(o.dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const command = o.binary ? [o.binary] : [process.execPath, MAIN];
  const instance: Instance = {
    name: o.name, url: `http://127.0.0.1:${port}`, port, dataDir, logFile: join(o.dir, "serve.log"), proc: null,
    async start(timeoutMs = 60_000) {
      const log = openSync(instance.logFile, "a");
      const proc = Bun.spawn([...command, "serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir], {
        env: { PATH: process.env.PATH ?? "", MPESA_CB_LOG_LEVEL: "warn", ...o.env, DATABASE_URL: o.databaseUrl },
        stdout: log, stderr: log,
      });
      instance.proc = proc;
      await waitUntil(async () => {
        if (proc.exitCode !== null) throw new Error(`${o.name}: serve exited with ${proc.exitCode} while starting; see ${instance.logFile}`);
        return (await instance.health()) !== null;
      }, { what: `${o.name} to answer GET ${instance.url}/health (log: ${instance.logFile})`, timeoutMs });
    },
    kill(signal = "SIGKILL") {
      instance.proc?.kill(signal);
    },
    async health() {
      try {
        const res = await fetch(`${instance.url}/health`, { signal: AbortSignal.timeout(5_000) });
        return (await res.json()) as Awaited<ReturnType<Instance["health"]>>;
      } catch {
        return null;
      }
    },
  };
  return instance;
}
