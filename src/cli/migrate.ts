// `mpesa-cb migrate`: creates or upgrades the schema (also a database made by the original Python server).
import type { Command } from "commander";
import { openDatabase } from "../core/store/database.ts";
import { pendingMigrations, runMigrations } from "../core/store/migrations.ts";
import { addSettingOptions, createLogger, loadConfig } from "./settings.ts";

export function registerMigrate(program: Command): void {
  const cmd = program.command("migrate").description("create or upgrade the database schema (safe to run again)");
  addSettingOptions(cmd, ["databaseUrl", "dataDir", "logLevel"]);
  cmd.option("--status", "only list the migrations still pending; exit 1 if any");
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runMigrate(process.env, opts);
  });
}

export async function runMigrate(env: Record<string, string | undefined>, opts: Record<string, unknown>): Promise<number> {
  const config = loadConfig(env, opts);
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config.database, { pool: 2 });
  try {
    if (opts.status) {
      const pending = await pendingMigrations(db);
      logger.log(pending.length === 0 ? `${db.description}: up to date` : `${db.description}: pending ${pending.map((m) => m.name).join(", ")}`);
      return pending.length === 0 ? 0 : 1;
    }
    // One line per migration as it is applied (with what it changed in the data), then the summary.
    const report = await runMigrations(db, { log: (line) => logger.log(`${db.description}: ${line}`) });
    logger.log(report.applied.length === 0 ? `${db.description}: already up to date` : `${db.description}: up to date (applied ${report.applied.length})`);
    return 0;
  } finally {
    await db.close();
  }
}
