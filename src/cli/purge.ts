// `mpesa-cb purge --older-than 400d`: retention. Rows older than the limit lose their raw bodies and sent message
// texts, and their phone numbers and names are masked; amounts, receipts, statuses and times stay. Exit 0.
import { InvalidArgumentError, type Command } from "commander";
import { openDatabase } from "../core/store/database.ts";
import { requireMigrated } from "../core/store/require-migrated.ts";
import { MIN_RETENTION_DAYS, purgePersonalData } from "../core/maintenance/purge.ts";
import { describePurge } from "../core/maintenance/purge-text.ts";
import { addSettingOptions, createLogger, loadConfig } from "./settings.ts";

export interface PurgeFlags {
  olderThan?: number; // days
  dryRun?: boolean;
  json?: boolean;
  batchSize?: number;
  [setting: string]: unknown;
}

export function registerPurge(program: Command): void {
  const cmd = program
    .command("purge")
    .description("retention: delete raw bodies and mask phone numbers and names in rows older than the limit (amounts, receipts, statuses and times stay)")
    .requiredOption("--older-than <days>", `the limit, in days: 400d (at least ${MIN_RETENTION_DAYS}d)`, days)
    .option("--dry-run", "count, per table, the rows it would change; write nothing")
    .option("--json", "print the counts as one JSON object")
    .option("--batch-size <rows>", "rows per transaction (short transactions never hold up callbacks)", batchSize, 500);
  addSettingOptions(cmd, ["databaseUrl", "dataDir", "logLevel"]);
  cmd.action(async (opts: PurgeFlags) => {
    process.exitCode = await runPurge(process.env, opts);
  });
}

export async function runPurge(env: Record<string, string | undefined>, opts: PurgeFlags): Promise<number> {
  const config = loadConfig(env, opts);
  const logger = createLogger(config.logLevel, env);
  const db = await openDatabase(config.database, { pool: 2 });
  try {
    await requireMigrated(db, "purge again");
    const report = await purgePersonalData({ db, olderThanDays: opts.olderThan ?? 0, dryRun: opts.dryRun === true, batchSize: opts.batchSize });
    if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else logger.log(`${db.description}: ${describePurge(report)}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** `400d` (or `400`): whole days. */
function days(value: string): number {
  const m = /^(\d{1,6})d?$/.exec(value.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_RETENTION_DAYS) throw new InvalidArgumentError(`expected whole days from ${MIN_RETENTION_DAYS}, e.g. 400d.`);
  return n;
}

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5000) throw new InvalidArgumentError("expected a whole number from 1 to 5000.");
  return n;
}
