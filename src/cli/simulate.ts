// `mpesa-cb simulate`: fires sample Daraja callbacks at a server and checks each answer (the post-deploy smoke test).
import { InvalidArgumentError, type Command } from "commander";
import { createConsola, LogLevels, type ConsolaInstance } from "consola";
import { AppError } from "../core/errors.ts";
import { listLines, loadSummaryLines, progressLine, resultLine } from "../core/simulate/format.ts";
import { localServerUrl, normaliseBaseUrl, type Target } from "../core/simulate/http.ts";
import { createIdSource, SIMULATED_PREFIX } from "../core/simulate/ids.ts";
import { runLoad } from "../core/simulate/load.ts";
import { runScenarios, type SimulationReport } from "../core/simulate/runner.ts";
import { pickScenarios, SCENARIO_NAMES, SCENARIOS } from "../core/simulate/scenarios.ts";
import { CALLBACK_PATH } from "../core/daraja/stk/family.ts";
import { addEnvFileOption, loadEnv } from "./settings.ts";

export interface SimulateOptions {
  url?: string; path: string; token?: string; scenario: string[]; list?: boolean; json?: boolean;
  burst: number; timeout: number; rate?: number; duration?: number; connections: number;
}

export function registerSimulate(program: Command): void {
  const cmd = program
    .command("simulate")
    .description("send sample Daraja callbacks to a server and check every answer (exit 0 only if all pass)")
    .option("--url <url>", "the server to test [default http://127.0.0.1:$PORT, PORT from the environment, else 8000]")
    .option("--path <path>", "the callback path on that server", CALLBACK_PATH)
    .option("--token <token>", "a callback path token: appended to --path as one more segment, never printed")
    .option("--scenario <name>", "run this scenario (repeatable or comma-separated; all: every one) [default: the smoke set]", collect, [])
    .option("--list", "list the scenarios and exit")
    .option("--json", "print a machine-readable report")
    .option("--burst <n>", "copies sent at once by duplicate-burst", integer(2, 1000), 10)
    .option("--timeout <ms>", "give up on one request after this many milliseconds", integer(100, 600_000), 10_000)
    .option("--rate <n>", "load mode: unique success callbacks per second", integer(1, 100_000))
    .option("--duration <time>", "load mode: how long to send, e.g. 30s, 2m, 500ms [default 10s]", duration)
    .option("--connections <n>", "load mode: keep-alive connections", integer(1, 1024), 16);
  addEnvFileOption(cmd); // HOST and PORT for the default --url, as the service reads them
  cmd.action(async (opts: SimulateOptions & { envFile?: string }) => {
    process.exitCode = await simulate(loadEnv(opts, process.env), opts);
  });
}

export async function simulate(env: Record<string, string | undefined>, opts: SimulateOptions): Promise<number> {
  // One stream, so a log file keeps the order; info level whatever NODE_ENV says (consola quietens "test").
  const out = createConsola({ level: LogLevels.info, stdout: process.stdout, stderr: process.stdout });
  if (opts.list) {
    for (const line of listLines(SCENARIOS)) console.log(line);
    return 0;
  }
  const target = buildTarget(env, opts);
  const shown = `${target.baseUrl}${opts.path}${opts.token ? "/***" : ""}`; // the token is a secret
  if (opts.rate !== undefined || opts.duration !== undefined) return loadMode(target, shown, opts, out);
  const { chosen, unknown } = pickScenarios(opts.scenario);
  if (unknown.length > 0) {
    throw new AppError("usage", `unknown scenario: ${unknown.join(", ")}`, { hint: `choose from all, ${SCENARIO_NAMES.join(", ")} (mpesa-cb simulate --list)` });
  }
  const ids = createIdSource();
  if (!opts.json) out.info(`simulating Daraja callbacks at ${shown}; simulated IDs start ${SIMULATED_PREFIX}${ids.runId}`);
  const width = Math.max(...chosen.map((s) => s.name.length));
  const results = await runScenarios({ target, ids, burst: opts.burst }, chosen, (r) => {
    if (!opts.json) (r.passed ? out.success : out.fail)(resultLine(r, width));
  });
  const failedCount = results.filter((r) => !r.passed).length;
  const report: SimulationReport = { url: target.baseUrl, callbackPath: shown.slice(target.baseUrl.length), runId: ids.runId, passed: failedCount === 0, results };
  if (opts.json) console.log(JSON.stringify(report, null, 2));
  else (failedCount === 0 ? out.success : out.fail)(`${results.length - failedCount} passed, ${failedCount} failed`);
  return failedCount === 0 ? 0 : 1;
}

async function loadMode(target: Target, shown: string, opts: SimulateOptions, out: ConsolaInstance): Promise<number> {
  if (opts.rate === undefined) throw new AppError("usage", "--duration needs --rate (load mode)", { hint: "e.g. mpesa-cb simulate --rate 200 --duration 30s" });
  if (opts.scenario.length > 0) throw new AppError("usage", "--rate sends success callbacks only; it does not take --scenario", { hint: "run the scenarios and the load test separately" });
  const durationMs = opts.duration ?? 10_000;
  const ids = createIdSource();
  const live = !opts.json && process.stderr.isTTY === true; // a progress line only where it can be redrawn
  if (!opts.json) out.info(`load: ${opts.rate}/s for ${durationMs / 1000} s at ${shown} over ${opts.connections} connections; IDs start ${SIMULATED_PREFIX}${ids.runId}`);
  const summary = await runLoad({
    target, rate: opts.rate, durationMs, connections: opts.connections, ids,
    ...(live ? { onProgress: (p) => process.stderr.write(`\r\x1b[K${progressLine(p)}`) } : {}),
  });
  if (live) process.stderr.write("\r\x1b[K");
  const ok = summary.errors === 0 && summary.sent > 0;
  if (opts.json) console.log(JSON.stringify({ url: target.baseUrl, callbackPath: shown.slice(target.baseUrl.length), runId: ids.runId, passed: ok, load: summary }, null, 2));
  else for (const [i, line] of loadSummaryLines(summary).entries()) (i === 0 ? (ok ? out.success : out.fail) : out.log)(line);
  return ok ? 0 : 1;
}

function buildTarget(env: Record<string, string | undefined>, opts: SimulateOptions): Target {
  const raw = opts.url ?? localServerUrl(env.HOST, env.PORT);
  const baseUrl = normaliseBaseUrl(raw);
  if (baseUrl === null) throw new AppError("usage", `--url ${raw} is not an http:// or https:// URL`, { hint: "e.g. --url http://127.0.0.1:8000" });
  if (!opts.path.startsWith("/")) throw new AppError("usage", `--path ${opts.path} must start with /`, { hint: `e.g. --path ${CALLBACK_PATH}` });
  const token = opts.token === undefined ? "" : `/${encodeURIComponent(opts.token)}`;
  return {
    baseUrl, callbackPath: `${opts.path.replace(/\/+$/, "")}${token}`, timeoutMs: opts.timeout,
    ...(opts.token === undefined ? {} : { pathToken: encodeURIComponent(opts.token) }),
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter((v) => v !== "")];
}

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** `30s`, `2m`, `500ms`, or plain seconds; at most an hour, so a forgotten load run ends by itself. */
function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (match[2] === "ms" ? 1 : match[2] === "m" ? 60_000 : 1000) : Number.NaN;
  if (!(ms >= 100 && ms <= 3_600_000)) throw new InvalidArgumentError("expected a time from 100ms to 1h, e.g. 30s, 2m or 500ms.");
  return ms;
}
