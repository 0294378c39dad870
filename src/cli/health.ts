// `mpesa-cb health`: asks a running server for /health, or with --direct checks the database itself.
// Exit 0 healthy, 1 degraded, 2 unhealthy or unreachable (78: bad configuration, with --direct).
import { existsSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { createHealthCheck } from "../core/health.ts";
import { AppError, isAppError } from "../core/errors.ts";
import { classifyReport, probeHealth, type HealthProbe, type HealthState } from "../core/simulate/health-probe.ts";
import { localServerUrl, normaliseBaseUrl } from "../core/simulate/http.ts";
import { openDatabase } from "../core/store/database.ts";
import { describeDatabase } from "../core/database-url.ts";
import { addSettingOptions, loadConfig, loadEnv } from "./settings.ts";
import { VERSION_LINE } from "./version.ts";

export const HEALTH_EXIT: Record<HealthState, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

export interface HealthOptions {
  url?: string; direct?: boolean; timeout: number; json?: boolean; quiet?: boolean;
  [setting: string]: unknown; // --db, --data-dir for --direct
}

export function registerHealth(program: Command): void {
  const cmd = program
    .command("health")
    .description("check mpesa-cb: exit 0 healthy, 1 degraded, 2 unhealthy or unreachable")
    .option("--url <url>", "the server to ask [default http://127.0.0.1:$PORT, PORT from the environment, else 8000]")
    .option("--direct", "check the database itself, with the same settings as serve, instead of asking the server")
    .option("--timeout <ms>", "give up after this many milliseconds", milliseconds, 5000)
    .option("--json", "print the result as JSON")
    .option("--quiet", "print nothing when healthy (for cron: mail only on trouble)");
  addSettingOptions(cmd, ["databaseUrl", "dataDir"]);
  cmd.action(async (opts: HealthOptions) => {
    process.exitCode = await checkHealth(loadEnv(opts, process.env), opts);
  });
}

export async function checkHealth(env: Record<string, string | undefined>, opts: HealthOptions): Promise<number> {
  const probe = opts.direct ? await checkDirect(env, opts) : await probeHealth(serverUrl(env, opts.url), opts.timeout);
  if (!(opts.quiet && probe.state === "healthy")) {
    if (opts.json) console.log(JSON.stringify({ status: probe.state, exitCode: HEALTH_EXIT[probe.state], checked: probe.checked, summary: probe.summary, report: probe.report }));
    else console.log(`${probe.state.toUpperCase()}: ${probe.checked}: ${probe.summary}`);
  }
  return HEALTH_EXIT[probe.state];
}

function serverUrl(env: Record<string, string | undefined>, url: string | undefined): string {
  const raw = url ?? localServerUrl(env.HOST, env.PORT);
  const base = normaliseBaseUrl(raw);
  if (base === null) throw new AppError("usage", `--url ${raw} is not an http:// or https:// URL`, { hint: "e.g. --url http://127.0.0.1:8000" });
  return base;
}

/** The database as serve would open it, asked the same real query as /health. */
async function checkDirect(env: Record<string, string | undefined>, opts: HealthOptions): Promise<HealthProbe> {
  const config = loadConfig(env, opts); // a bad setting throws: exit 78, as serve
  const target = config.database;
  // Opening a missing SQLite file would create it (as root, in the service's directory): look first.
  if (target.dialect === "sqlite" && !existsSync(target.path)) {
    return { state: "unhealthy", checked: describeDatabase(target), summary: "no database file: serve creates it on first start — is the data directory right? (MPESA_CB_DATA_DIR, --data-dir)" };
  }
  let db;
  try {
    db = await openDatabase(target, { pool: 1, connectTimeoutMs: opts.timeout });
  } catch (e) {
    if (isAppError(e) && (e.kind === "database" || e.kind === "host")) return { state: "unhealthy", checked: describeDatabase(target), summary: `${e.message}${e.hint ? ` — ${e.hint}` : ""}` };
    throw e;
  }
  try {
    const report = await createHealthCheck({ db, version: VERSION_LINE, timeoutMs: opts.timeout })();
    return classifyReport({ ...report }, db.description);
  } finally {
    await db.close();
  }
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 600_000) throw new InvalidArgumentError("expected milliseconds, a whole number from 1 to 600000.");
  return n;
}
