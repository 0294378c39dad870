// `mpesa-cb serve`: the callback daemon. Runs until SIGTERM or SIGINT, then stops gracefully.
import type { Command } from "commander";
import { SETTINGS } from "../core/config.ts";
import { startService } from "../server/service.ts";
import { addSettingOptions, createLogger, loadConfig } from "./settings.ts";
import { VERSION_LINE } from "./version.ts";

export function registerServe(program: Command): void {
  const cmd = program.command("serve").description("receive M-Pesa callbacks over HTTP, store them, acknowledge them");
  addSettingOptions(cmd, Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]);
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await serve(process.env, opts);
  });
}

export async function serve(env: Record<string, string | undefined>, opts: Record<string, unknown>): Promise<number> {
  const config = loadConfig(env, opts);
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger, VERSION_LINE);
  logger.info(`${VERSION_LINE} listening on ${service.url} (database ${service.db.description})`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  logger.info(`${signal}: finishing requests in flight, then stopping`);
  await service.stop();
  logger.info("stopped");
  return 0;
}
