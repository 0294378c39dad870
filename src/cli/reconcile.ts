// `mpesa-cb reconcile`: asks Daraja (M-Pesa Express Query) about every payment whose callback never came and every
// stored Unknown, records the answers, and exits 0 when nothing is left unresolved, 1 otherwise.
import { InvalidArgumentError, type Command } from "commander";
import { AppError } from "../core/errors.ts";
import { openDatabase, reason } from "../core/store/database.ts";
import { notifyTargets } from "../core/notify/notification-plan.ts";
import { createStkQueryClient } from "../core/daraja-api/stk-query.ts";
import type { Config } from "../core/config.ts";
import { DEFAULT_LIMIT, runReconcile, type ReconcileItem, type ReconcileReport } from "../core/reconcile/reconcile.ts";
import { summaryLine } from "../core/reconcile/sweep.ts";
import { addSettingOptions, loadConfig } from "./settings.ts";

export interface ReconcileOptions {
  dryRun?: boolean;
  since?: Date;
  limit: number;
  json?: boolean;
  [setting: string]: unknown; // --db, --data-dir, the MPESA_* and Telegram settings
}

export function registerReconcile(program: Command): void {
  const cmd = program
    .command("reconcile")
    .description("ask Daraja about payments whose callback never came, and record the answers: exit 0 when none is left unresolved, 1 otherwise")
    .option("--dry-run", "print what would be recorded; write nothing")
    .option("--since <time>", "only payments requested since this time: ISO 8601 (2026-12-01T08:00:00Z) or a duration ago (30m, 24h, 7d); default: MPESA_CB_RECONCILE_MAX_AGE_S ago", parseSince)
    .option("--limit <n>", "ask about at most this many payments", parseLimit, DEFAULT_LIMIT)
    .option("--json", "print the report as JSON");
  addSettingOptions(cmd, ["databaseUrl", "dataDir", "logLevel", "mpesaApiRoot", "mpesaShortcode", "confirmRate", "reconcileAfterS", "reconcileMaxAgeS", "adminChatId"]);
  cmd.action(async (opts: ReconcileOptions) => {
    process.exitCode = await reconcile(process.env, opts);
  });
}

export async function reconcile(env: Record<string, string | undefined>, opts: ReconcileOptions): Promise<number> {
  const config = loadConfig(env, opts);
  requireCredentials(config);
  const db = await openDatabase(config.database, { pool: 2 });
  const client = createStkQueryClient(config.confirm, { ratePerSecond: config.confirm.ratePerSecond });
  try {
    const report = await runReconcile({
      db, query: (id) => client.query(id), notify: notifyTargets(config.telegram), afterMs: config.reconcile.afterMs, maxAgeMs: config.reconcile.maxAgeMs,
      expiredWithinMs: config.reconcile.intervalMs, // the timer's 5 minutes, as the sweep's default interval
      since: opts.since ?? null, limit: opts.limit, dryRun: opts.dryRun === true,
    }).catch((e: unknown) => {
      throw new AppError("database", `reconcile could not read or write the payments in ${db.description}: ${reason(e)}`, {
        cause: e, hint: "check that the database is up and migrated (mpesa-cb migrate); what was recorded before this stays recorded, run reconcile again",
      });
    });
    const exitCode = report.unresolved === 0 ? 0 : 1;
    if (opts.json) console.log(JSON.stringify({ ...report, exitCode }));
    else printReport(report);
    if (report.unreachable > 0) console.error(unreachableHint(report, config));
    return exitCode;
  } finally {
    await client.close();
    await db.close();
  }
}

function requireCredentials(config: Config): void {
  const c = config.confirm;
  const missing = Object.entries({ MPESA_CONSUMER_KEY: c.consumerKey, MPESA_CONSUMER_SECRET: c.consumerSecret, MPESA_SHORTCODE: c.shortcode, MPESA_PASSKEY: c.passkey })
    .filter(([, v]) => !v).map(([name]) => name);
  if (missing.length === 0) return;
  throw new AppError("config", `reconcile asks Daraja and needs ${missing.join(", ")}`, {
    hint: "copy them from your Daraja app into the settings file (the same four as MPESA_CB_CONFIRM=on) and pass it with --env-file",
  });
}

function printReport(r: ReconcileReport): void {
  for (const i of r.items) console.log(`${i.checkoutRequestId}: ${itemLine(i, r.dryRun)}`);
  console.log(summaryLine(r));
}

function itemLine(i: ReconcileItem, dryRun: boolean): string {
  if (!dryRun) return `${i.result}: ${i.detail}`;
  if (i.result === "recovered") return `would record ${i.status} (${i.detail})`;
  if (i.result === "conflict") return `would raise a conflict alert (${i.detail})`;
  return `${i.result}: ${i.detail}`;
}

function unreachableHint(r: ReconcileReport, config: Config): string {
  const last = [...r.items].reverse().find((i) => i.result === "unreachable" && !i.detail.startsWith("not asked"));
  return `reconcile: Daraja could not be asked about ${r.unreachable} payment(s)${last ? ` (${last.detail})` : ""}: nothing was recorded for them. ` +
    `Check that ${config.confirm.apiRoot} is reachable from this machine (MPESA_API_ROOT), and MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_SHORTCODE and MPESA_PASSKEY; then run reconcile again.`;
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO 8601 time with its offset, or a duration ago (`24h`). */
export function parseSince(value: string, now: Date = new Date()): Date {
  const d = DURATION.exec(value.trim());
  if (d) return new Date(now.getTime() - Number(d[1]) * (UNIT_MS[d[2] ?? "s"] ?? 1_000));
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value.trim()) ? new Date(value.trim()) : null;
  if (iso === null || Number.isNaN(iso.getTime())) {
    throw new InvalidArgumentError("expected an ISO 8601 time such as 2026-12-01T08:00:00Z (or a date, 2026-12-01, meaning UTC midnight), or a duration such as 30m, 24h, 7d.");
  }
  return iso;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError("expected a whole number from 1 to 100000.");
  return n;
}
