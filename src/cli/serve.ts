// `mpesa-cb serve`: the callback daemon. Runs until SIGTERM, SIGINT or SIGHUP, then stops gracefully.
import type { Command } from "commander";
import { SETTINGS, type Config } from "../core/config.ts";
import { describeDatabase } from "../core/database-url.ts";
import { startService } from "../server/service.ts";
import { addSettingOptions, createLogger, loadConfig } from "./settings.ts";
import { VERSION_LINE } from "./version.ts";

// SIGHUP too: a closed terminal or `kill -HUP` must not kill the server with callbacks in flight (there is nothing
// to reload: settings are read once, at start).
const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

export function registerServe(program: Command): void {
  const cmd = program.command("serve").description("receive M-Pesa callbacks over HTTP, store them, acknowledge them");
  addSettingOptions(cmd, Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]);
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await serve(process.env, opts);
  });
}

export async function serve(env: Record<string, string | undefined>, opts: Record<string, unknown>): Promise<number> {
  const config = loadConfig(env, opts); // --env-file included
  const logger = createLogger(config.logLevel, env);
  // Listen for the signals before anything starts: one that arrives during start-up stops the server once it is up.
  const signal = new Promise<string>((resolve) => {
    for (const s of STOP_SIGNALS) process.once(s, () => resolve(s));
  });
  logger.debug(`settings: ${describeSettings(config)}`);
  const service = await startService(config, logger, VERSION_LINE);
  logger.info(`${VERSION_LINE} listening on ${service.url} (${describeBinding(service.server.hostname ?? config.host, service.port)}; database ${service.db.description})`);
  const received = await signal;
  logger.info(`${received}: finishing requests in flight, then stopping`);
  await service.stop();
  logger.info("stopped");
  return 0;
}

/**
 * The socket's own address, as the operating system bound it (the port too when PORT=0): the URL before it is how to
 * reach the server from this machine, which is not the same thing when it listens on every address.
 */
export function describeBinding(hostname: string, port: number): string {
  const where = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  if (hostname === "0.0.0.0") return `bound to ${where}: every IPv4 address of this machine`;
  if (hostname === "::") return `bound to ${where}: every address of this machine`;
  return `bound to ${where}`;
}

/** The settings in effect, for a debug line: counts and on/off for secrets, never their values. */
function describeSettings(c: Config): string {
  return [
    `host ${c.host}`, `port ${c.port}`, `data dir ${c.dataDir}`, `database ${describeDatabase(c.database)}`, `batch max ${c.batchMax}`,
    `batch window ${c.batchWindowMs} ms`, `writers ${c.writers}`, `pool ${c.dbPool}`, `path tokens ${c.auth.callbackTokens.length}`,
    `source check ${c.auth.sourceIpMode}`, `unsolicited ${c.auth.rejectUnsolicited ? "reject" : "flag"}`, `confirm ${c.confirm.enabled ? "on" : "off"}`,
    `telegram ${c.telegram.token ? "on" : "off"}`,
  ].join(", ");
}
