// HAProxy in front of the harness's instances: health-checks GET /health and retries a callback on the other
// instance when one dies mid-request (callbacks are idempotent; Safaricom never retries one itself).
import { openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, waitUntil } from "./wait.ts";

export interface HaproxyHandle {
  url: string;
  port: number;
  config: string;
  proc: Subprocess;
}

export function haproxyConfig(port: number, backends: { name: string; port: number }[]): string {
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  # longer than a Galera node's stall (a hung node is evicted after about 5 s), shorter than Daraja's patience
  timeout server 15s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 502 503 504
  option forwardfor

frontend callbacks
  bind 127.0.0.1:${port}
  default_backend mpesa_cb

backend mpesa_cb
  balance roundrobin
  option httpchk GET /health
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
${backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join("\n")}
  # every instance reports its database down: still deliver to one (it spools) rather than answer 503
${backends.map((b) => `  server ${b.name}-spool 127.0.0.1:${b.port} backup`).join("\n")}
`;
}

export async function startHaproxy(dir: string, backends: { name: string; port: number }[]): Promise<HaproxyHandle> {
  const port = freePort();
  const config = join(dir, "haproxy.cfg");
  writeFileSync(config, haproxyConfig(port, backends));
  const proc = Bun.spawn(["haproxy", "-db", "-f", config], { stdout: "ignore", stderr: openSync(join(dir, "haproxy.log"), "a") });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => {
    if (proc.exitCode !== null) throw new Error(`haproxy exited with ${proc.exitCode}; see ${join(dir, "haproxy.log")} and ${config}`);
    return fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200, () => false);
  }, { what: `HAProxy at ${url} to pass GET /health to an instance (${join(dir, "haproxy.log")})`, timeoutMs: 20_000 });
  return { url, port, config, proc };
}
