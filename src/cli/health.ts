// `mpesa-cb health`: asks a running server for /health. Exit 0 healthy, 1 degraded, 2 down or unreachable.
import type { Command } from "commander";
import { consola } from "consola";

export const HEALTH_EXIT = { healthy: 0, degraded: 1, down: 2 } as const;

export function registerHealth(program: Command): void {
  program
    .command("health")
    .description("check a running mpesa-cb server (exit 0 healthy, 1 degraded, 2 down)")
    .option("--url <url>", "the server to ask", "http://127.0.0.1:8000")
    .option("--timeout <ms>", "give up after this many milliseconds", "5000")
    .option("--json", "print the server's report as JSON")
    .option("--quiet", "print nothing when healthy")
    .action(async (opts: { url: string; timeout: string; json?: boolean; quiet?: boolean }) => {
      process.exitCode = await checkHealth(opts);
    });
}

export async function checkHealth(opts: { url: string; timeout: string; json?: boolean; quiet?: boolean }): Promise<number> {
  const url = `${opts.url.replace(/\/+$/, "")}/health`;
  let report: { status?: string; database?: { status?: string; error?: string } };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(Number(opts.timeout) || 5000) });
    report = (await res.json()) as typeof report;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (opts.json) console.log(JSON.stringify({ status: "down", url, error: why }));
    else consola.error(`DOWN: cannot reach ${url}: ${why} — is mpesa-cb running? (systemctl status mpesa-callback)`);
    return HEALTH_EXIT.down;
  }
  const status = report.status === "healthy" ? "healthy" : report.status === "degraded" ? "degraded" : "down";
  if (opts.json) console.log(JSON.stringify(report));
  else if (!(opts.quiet && status === "healthy")) {
    const db = report.database?.status === "up" ? "database up" : `database down: ${report.database?.error ?? "unknown"}`;
    console.log(`${status.toUpperCase()}: ${url}: ${db}`);
  }
  return HEALTH_EXIT[status];
}
