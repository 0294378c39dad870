// `mpesa-cb replay`: runs stored callbacks (callback_logs) again through today's parser and the stores, e.g. after a
// parser fix. Exit 0 when every replayed callback is stored (or already was), 1 when some still are not.
import { InvalidArgumentError, Option, type Command } from "commander";
import { AppError } from "../core/errors.ts";
import { FAMILIES } from "../core/daraja/registry.ts";
import { openDatabase } from "../core/store/database.ts";
import { requireMigrated } from "../core/store/require-migrated.ts";
import { buildFamilyStores } from "../core/maintenance/stores.ts";
import { replayCallbacks, type ReplayEntry, type ReplayReport } from "../core/maintenance/replay.ts";
import type { ReplaySelection } from "../core/maintenance/replay-rows.ts";
import { addSettingOptions, createLogger, loadConfig } from "./settings.ts";

export interface ReplayFlags {
  id?: string[]; from?: Date; to?: Date; outcome?: "rejected" | "quarantined"; family?: string; all?: boolean; limit?: number;
  dryRun?: boolean; json?: boolean;
  [setting: string]: unknown;
}

export function registerReplay(program: Command): void {
  const cmd = program
    .command("replay")
    .description("run stored callbacks again through the parser and the stores (idempotent: a stored payment comes out a duplicate)")
    .option("--id <ids...>", "callback_logs rows by row id or request id (several, or comma-separated)", collectIds)
    .option("--from <time>", "received at or after this time: 2026-11-30 (UTC midnight) or ISO 8601 with Z or an offset", time)
    .option("--to <time>", "received before this time (same forms as --from)", time)
    .addOption(new Option("--outcome <outcome>", "only callbacks that had this outcome").choices(["rejected", "quarantined"]))
    .addOption(new Option("--family <family>", "only callbacks of this family").choices(FAMILIES.map((f) => f.name)))
    .option("--all", "every stored callback (needed when no other selection is given)")
    .option("--limit <n>", "at most this many callbacks", count)
    .option("--dry-run", "print what each callback would do now (parse now vs outcome then); write nothing")
    .option("--json", "print one JSON object: every callback and the counts");
  addSettingOptions(cmd, ["databaseUrl", "dataDir", "logLevel"]);
  cmd.action(async (opts: ReplayFlags) => {
    process.exitCode = await runReplay(process.env, opts);
  });
}

export async function runReplay(env: Record<string, string | undefined>, opts: ReplayFlags): Promise<number> {
  const selection = selectionOf(opts);
  const config = loadConfig(env, opts);
  const logger = createLogger(config.logLevel, env);
  const db = await openDatabase(config.database, { pool: 2 });
  try {
    await requireMigrated(db, "replay again");
    const report = await replayCallbacks({
      db, stores: buildFamilyStores(db, config), selection, dryRun: opts.dryRun === true,
      onEntry: opts.json ? undefined : (e) => logger.log(entryLine(e)),
    });
    if (opts.json) process.stdout.write(`${JSON.stringify({ dryRun: opts.dryRun === true, counts: report.counts, unresolved: report.unresolved, callbacks: report.entries })}\n`);
    else logger.log(summaryLine(report, opts.dryRun === true));
    return report.unresolved > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}

function selectionOf(opts: ReplayFlags): ReplaySelection {
  const chosen = opts.id !== undefined || opts.from !== undefined || opts.to !== undefined || opts.outcome !== undefined || opts.family !== undefined;
  if (!chosen && !opts.all) {
    throw new AppError("usage", "replay needs a selection: --id, --from/--to, --outcome or --family", { hint: "or --all to replay every stored callback (try --dry-run first)" });
  }
  if (opts.from !== undefined && opts.to !== undefined && opts.from >= opts.to) {
    throw new AppError("usage", `--from ${opts.from.toISOString()} is not before --to ${opts.to.toISOString()}`, { hint: "the range is from (included) to (excluded)" });
  }
  return { ids: opts.id, from: opts.from, to: opts.to, outcome: opts.outcome, family: opts.family, limit: opts.limit };
}

const ACTION_TEXT: Record<ReplayEntry["action"], string> = {
  replayed: "replayed", "would-replay": "would replay", "already-replayed": "already replayed", "still-rejected": "still rejected", skipped: "skipped",
};

function entryLine(e: ReplayEntry): string {
  return `#${e.row} ${e.family} received ${e.receivedAt}, was ${e.then}: ${ACTION_TEXT[e.action]}: ${e.detail}`;
}

function summaryLine(r: ReplayReport, dryRun: boolean): string {
  const parts = (Object.keys(ACTION_TEXT) as ReplayEntry["action"][]).filter((a) => r.counts[a] > 0).map((a) => `${ACTION_TEXT[a]} ${r.counts[a]}`);
  const total = r.entries.length === 0 ? "nothing to replay" : parts.join(", ");
  return `${total}${r.unresolved > 0 ? `; ${r.unresolved} still not stored` : ""}${dryRun ? " (dry run: nothing written)" : ""}`;
}

function collectIds(value: string, previous: string[] | undefined): string[] {
  const ids = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
  if (ids.length === 0) throw new InvalidArgumentError("expected a row id or a request id.");
  return [...(previous ?? []), ...ids];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A time that says its zone: a bare date is UTC midnight; a time of day needs Z or an offset (no guessing the host's). */
function time(value: string): Date {
  const d = DAY.test(value) ? new Date(`${value}T00:00:00Z`) : ZONED.test(value) ? new Date(value) : null;
  if (d === null || Number.isNaN(d.getTime())) throw new InvalidArgumentError("expected 2026-11-30 (UTC) or 2026-11-30T08:00:00Z / 2026-11-30T11:00:00+03:00.");
  return d;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number from 1.");
  return n;
}
