// The health report: really asks the database, and says what the ingest path has seen since start.
import { QueryTypes } from "sequelize";
import type { Database } from "./store/database.ts";
import { reason } from "./store/database.ts";
import type { Ingest } from "./ingest/ingest.ts";
import type { Spool } from "./spool/spool.ts";
import type { NotifierStatus } from "./notify/notifier.ts";
import { withTimeout } from "./with-timeout.ts";

export interface HealthReport {
  status: "healthy" | "degraded" | "unhealthy";
  timestamp: string;
  service: "mpesa-cb";
  version: string;
  uptimeSeconds: number;
  database: { status: "up" | "down"; dialect: string; node?: string; latencyMs?: number; error?: string }; // node: the MySQL host:port in use
  callbacks?: Record<string, number>; // outcomes since start, in all
  families?: Record<string, Record<string, number>>; // the same, by callback family (stk, c2b-confirmation, …)
  spool?: { depth: number; oldestAgeSeconds: number | null; writable: boolean; error?: string };
  security?: Record<string, number>;
  verdicts?: Record<string, number>; // the latest VERDICT_WINDOW payments' successes by verdict (matched, mismatch, …)
  review?: { quarantined: number }; // quarantined callbacks not yet marked reviewed (README: Quarantine)
  telegram?: NotifierStatus["telegram"];
  outbox?: NotifierStatus["outbox"];
}

export interface HealthOptions {
  db: Database;
  version: string;
  ingest?: Ingest;
  spool?: Spool;
  security?: () => Record<string, number>; // what the callback defences turned away or flagged since start
  notifications?: () => Promise<NotifierStatus> | undefined; // Telegram (getMe, cached) and the outbox
  timeoutMs?: number;
}

export function createHealthCheck(options: HealthOptions): () => Promise<HealthReport> {
  const startedAt = new Date();
  return async () => {
    const [database, notifications, verdicts, review] = await Promise.all([
      checkDatabase(options.db, options.timeoutMs ?? 3000), options.notifications?.(), countVerdicts(options.db), countUnreviewed(options.db),
    ]);
    const spool = options.spool ? { ...options.spool.stats(), ...options.spool.checkWritable() } : undefined;
    // Callbacks waiting in the spool are safe but not yet in the database; alerts that cannot reach Telegram are
    // safe in the outbox but late; a spool that cannot be written turns the next database outage into 503s: all
    // degraded, not down.
    const degraded = (spool?.depth ?? 0) > 0 || spool?.writable === false || notifications?.telegram.status === "down" || (review?.quarantined ?? 0) > 0;
    return {
      status: database.status !== "up" ? "unhealthy" : degraded ? "degraded" : "healthy",
      timestamp: new Date().toISOString(),
      service: "mpesa-cb",
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      database,
      ...(options.ingest ? { callbacks: options.ingest.counts(), families: options.ingest.countsByFamily() } : {}),
      ...(spool ? { spool } : {}),
      ...(options.security ? { security: options.security() } : {}),
      ...(verdicts ? { verdicts } : {}),
      ...(review ? { review } : {}),
      ...(notifications ? { telegram: notifications.telegram, outbox: notifications.outbox } : {}),
    };
  };
}

/** How many of the latest payments /health counts verdicts among. */
export const VERDICT_WINDOW = 10_000;

// Among the latest payments only (backwards on the primary key): a load balancer asks every second or two, and a
// count over the whole table took 230–380 ms at 2 million rows on MariaDB — past HAProxy's 1 s check once the table
// grows, which would take every instance out at once. A database without the column (or without an answer) simply
// shows no counts.
async function countVerdicts(db: Database): Promise<Record<string, number> | undefined> {
  try {
    const rows = await db.sequelize.query<{ verdict: string; n: number }>(
      `SELECT verdict, COUNT(*) AS n FROM (SELECT verdict FROM transactions ORDER BY id DESC LIMIT ${VERDICT_WINDOW}) latest
        WHERE verdict IS NOT NULL GROUP BY verdict`, { type: QueryTypes.SELECT });
    return Object.fromEntries(rows.map((r) => [r.verdict, Number(r.n)]));
  } catch {
    return undefined;
  }
}

// A callback kept for review needs a person: degraded until it is marked reviewed. Indexed on (outcome, reviewed_at).
async function countUnreviewed(db: Database): Promise<{ quarantined: number } | undefined> {
  try {
    const [row] = await db.sequelize.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM callback_logs WHERE outcome = 'quarantined' AND reviewed_at IS NULL", { type: QueryTypes.SELECT });
    return { quarantined: Number(row?.n ?? 0) };
  } catch {
    return undefined;
  }
}

async function checkDatabase(db: Database, timeoutMs: number): Promise<HealthReport["database"]> {
  const started = performance.now();
  // With several nodes in DATABASE_URL, which one the pool uses now (after the check: a failed check may move it).
  const node = () => (db.dialect === "mysql" && db.currentHost ? { node: db.currentHost() } : {});
  try {
    // A real query on a real table: a missing schema is as unhealthy as a missing server.
    const query = db.sequelize.query("SELECT COUNT(*) AS n FROM schema_migrations");
    await withTimeout(query, timeoutMs);
    return { status: "up", dialect: db.dialect, ...node(), latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (e) {
    return { status: "down", dialect: db.dialect, ...node(), error: reason(e) };
  }
}
