// Builds the running service from a configuration: database, schema check, ingest, HTTP. Used by `serve` and tests.
import type { ConsolaInstance } from "consola";
import type { Server } from "bun";
import type { Config } from "../core/config.ts";
import { ensurePrivateDir, openDatabase, type Database } from "../core/store/database.ts";
import { localServerUrl } from "../core/simulate/http.ts";
import { unlinkSync, writeFileSync } from "node:fs";
import { migrate } from "../core/store/migrations.ts";
import { requireMigrated } from "../core/store/require-migrated.ts";
import { createIngest, type Ingest } from "../core/ingest/ingest.ts";
import { createHealthCheck } from "../core/health.ts";
import { AppError } from "../core/errors.ts";
import { createApp } from "./app.ts";
import type { SecurityCounters } from "./callbacks.ts";
import { startNotifier } from "../core/notify/notifier.ts";
import { notifyTargets } from "../core/notify/notification-plan.ts";
import { startConfirmer } from "../core/confirm/confirm-worker.ts";
import { startReconcileSweep } from "../core/reconcile/sweep.ts";
import { join } from "node:path";
import { Spool } from "../core/spool/spool.ts";
import { startReplay } from "../core/spool/replay.ts";
import { c2bValidationFamily } from "../core/daraja/c2b/validation.ts";
import { createC2bDecider } from "../core/store/c2b-decider.ts";
import { buildFamilyStores } from "../core/maintenance/stores.ts";
import { startRetention } from "../core/maintenance/retention.ts";
import { findLoggedRequestIds } from "../core/store/request-ids.ts";
import { createMetrics, type Metrics } from "../core/metrics/metrics.ts";
import { FAMILIES } from "../core/daraja/registry.ts";
import { lockDataDir } from "../core/data-dir-lock.ts";

export interface Service {
  url: string;
  port: number;
  db: Database;
  ingest: Ingest;
  metrics: Metrics; // this instance's registry: background work started beside it (the reconcile sweep) counts here
  server: Server<unknown>;
  stop(): Promise<void>;
}

export async function startService(config: Config, logger: ConsolaInstance, version: string): Promise<Service> {
  // What a person must fix comes first, before anything is created: the data directory, then the address and port
  // (bound before the schema is touched, held until the app is ready: early requests wait, none is refused).
  checkDataDir(config.dataDir);
  // One serve per data directory (its spool has one writer); released on stop, taken over from a dead holder.
  const dirLock = lockDataDir(config.dataDir, (line) => logger.warn(line));
  let app: ((req: Request, srv: Server<unknown>) => Promise<Response>) | undefined;
  const ready = Promise.withResolvers<void>();
  // While stopping, every answer says `Connection: close`: a keep-alive client then opens a new connection (refused
  // once we stop listening) instead of sending its next callback into a connection that is about to close.
  let draining = false;
  let inFlight = 0;
  const fetch = async (req: Request, srv: Server<unknown>): Promise<Response> => {
    inFlight++;
    try {
      if (app === undefined) await ready.promise;
      const res = app === undefined ? unavailable() : await app(req, srv);
      if (draining) res.headers.set("connection", "close");
      return res;
    } finally {
      inFlight--;
    }
  };
  let server: Server<unknown>;
  try {
    server = listen(config, fetch, logger);
  } catch (e) {
    dirLock.release();
    throw e;
  }
  let db: Database;
  try {
    // A cluster's pool moving to another node says so (database.ts failover).
    db = await openDatabase(config.database, { pool: config.dbPool, log: (line) => logger.warn(line) });
    await prepareSchema(db, logger).catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
  } catch (e) {
    ready.resolve(); // requests that came early get 503
    await server.stop(true);
    dirLock.release();
    throw e;
  }
  const writers = db.dialect === "sqlite" ? 1 : Math.min(config.writers, config.dbPool - 1);
  const notify = notifyTargets(config.telegram);
  const spool = new Spool(join(config.dataDir, "spool"));
  const stores = buildFamilyStores(db, config); // the same stores replay writes through
  const deciders = new Map([[c2bValidationFamily.name, createC2bDecider(db, config.c2b)]]);
  const metrics = createMetrics({ version, callbackRoutes: FAMILIES.flatMap((f) => f.routes.map((route) => ({ family: f.name, route }))) });
  const ingest = createIngest({ stores, deciders, spool, maxBatch: config.batchMax, windowMs: config.batchWindowMs, writers, logger, metrics });
  const replay = startReplay({
    spool, write: (requests) => ingest.writeToDatabase(requests), alreadyStored: (ids) => findLoggedRequestIds(db, ids), logger, batchSize: config.batchMax,
  });
  if (spool.stats().depth > 0) {
    logger.warn(`the spool holds ${spool.stats().depth} callback(s) from before: replaying them into the database`);
    void replay.runOnce();
  }
  const counters: SecurityCounters = { wrongToken: 0, unlistedSource: 0, refusedSource: 0 };
  let notifier: ReturnType<typeof startNotifier> | undefined; // started once the server listens
  const health = createHealthCheck({ db, ingest, spool, version, security: () => ({ ...counters }), notifications: () => notifier?.status() });
  app = createApp({ ingest, health, version, maxBodyBytes: config.maxBodyBytes, logger, auth: config.auth, counters, metrics });
  ready.resolve();
  notifier = startNotifier({ db, config, logger, metrics });
  metrics.readAtScrape({ spool: () => spool.stats(), outbox: notifier.outboxStats });
  const confirmer = config.confirm.enabled
    ? startConfirmer({
        db, logger, config: { ...config.confirm }, notify, metrics,
        options: {
          firstDelayMs: config.confirm.firstDelayMs, maxAttempts: config.confirm.maxAttempts,
          onVerdict: (v) => {
            if (v.verdict !== "verified") logger.warn(`payment ${v.checkoutRequestId}: Daraja's confirmation says ${v.verdict}${v.detail ? ` (${v.detail})` : ""}; no receipt sent`);
          },
        },
      })
    : undefined;
  const retention = config.retentionDays === null ? undefined : startRetention({ db, days: config.retentionDays, logger });
  const reconciler = config.reconcile.enabled
    ? startReconcileSweep({
        db, config, logger, notify, firstDelayMs: Math.min(30_000, config.reconcile.intervalMs),
        onResult: (item) => metrics.reconcileResult(item.result), onQuery: (answer) => metrics.darajaQuery("reconcile", answer),
      })
    : undefined;
  const port = server.port ?? config.port;
  return {
    url: localServerUrl(config.host, String(port)), port, db, ingest, metrics, server,
    async stop() {
      draining = true;
      const drainUntil = Date.now() + Math.min(1_000, config.shutdownTimeoutMs / 2);
      while (Date.now() < drainUntil && (inFlight > 0 || server.pendingRequests > 0)) await Bun.sleep(20);
      await Bun.sleep(50); // the last answers' `Connection: close` reach their clients
      // Stop accepting; let requests in flight finish (their callbacks are committed or spooled), within the bound.
      const graceful = server.stop(false);
      const inTime = await Promise.race([graceful.then(() => true), Bun.sleep(config.shutdownTimeoutMs).then(() => false)]);
      if (!inTime) {
        logger.warn(`requests still in flight after ${config.shutdownTimeoutMs} ms: closing their connections`);
        await server.stop(true);
      }
      await ingest.drain();
      await replay.stop();
      await confirmer?.stop();
      await retention?.stop();
      await reconciler?.stop();
      await notifier?.stop();
      await db.close();
      dirLock.release();
    },
  };
}

function listen(config: Config, fetch: (req: Request, srv: Server<unknown>) => Promise<Response>, logger: ConsolaInstance): Server<unknown> {
  try {
    return Bun.serve({
      hostname: config.host, port: config.port, fetch,
      // Our reader keeps the first maxBodyBytes of a larger body for callback_logs and answers 413 itself; only what is
      // absurdly large (a declared length past this cap) is refused by Bun before it reaches us.
      maxRequestBodySize: Math.max(config.maxBodyBytes * 16, 64 * 1024 * 1024),
      idleTimeout: 30,
      error: (e) => {
        logger.error("unexpected server error:", e);
        return new Response(JSON.stringify({ error: "internal error" }), { status: 500, headers: { "content-type": "application/json" } });
      },
    });
  } catch (e) {
    throw listenError(e, config.host, config.port) ?? e;
  }
}

/** Why the address and port cannot be had, in the operator's terms; null for anything unforeseen (a bug). */
function listenError(e: unknown, host: string, port: number): AppError | null {
  const code = (e as { code?: unknown } | null)?.code;
  const where = `${host} port ${port}`;
  if (code === "EADDRINUSE") {
    return new AppError("host", `${where} is already in use by another program (another mpesa-cb?)`, {
      cause: e, hint: `see which with \`ss -ltnp 'sport = :${port}'\`; stop it, or choose another port (PORT, --port)`,
    });
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return new AppError("host", `${host} is not an address of this machine, so mpesa-cb cannot listen on it`, {
      cause: e, hint: "set HOST (--host) to 127.0.0.1 behind a reverse proxy, 0.0.0.0 for every address, or one that `ip -brief address` lists",
    });
  }
  if (code === "EACCES") {
    return new AppError("host", `${where}: a port below 1024 needs privileges mpesa-cb does not have`, { cause: e, hint: "listen on a port from 1024 (PORT, --port), e.g. 8000 behind a reverse proxy" });
  }
  return null;
}

const FS_WHY: Record<string, string> = {
  EROFS: "it is on a read-only file system", EACCES: "permission denied", EPERM: "operation not permitted",
  ENOTDIR: "part of the path is a file", ENOSPC: "no space left on the device", EDQUOT: "disk quota exceeded",
};

/** The spool (and the SQLite file, by default) live here: a directory that cannot be written is found at start. */
function checkDataDir(dir: string): void {
  try {
    ensurePrivateDir(dir);
    const probe = join(dir, `.write-check-${process.pid}`);
    writeFileSync(probe, "", { mode: 0o600 });
    unlinkSync(probe);
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? "");
    throw new AppError("host", `the data directory ${dir} cannot be written: ${FS_WHY[code] ?? (e instanceof Error ? e.message : String(e))}`, {
      cause: e, hint: "make it writable for the user mpesa-cb runs as, or choose another (MPESA_CB_DATA_DIR, --data-dir)",
    });
  }
}

function unavailable(): Response {
  return new Response(JSON.stringify({ error: "the server did not start" }), { status: 503, headers: { "content-type": "application/json" } });
}

// SQLite is ours alone: create or upgrade it in place. A shared MySQL is upgraded on purpose, by `migrate`.
async function prepareSchema(db: Database, logger: ConsolaInstance): Promise<void> {
  if (db.dialect === "sqlite") {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info(`database schema created/upgraded: ${applied.join(", ")}`);
    return;
  }
  await requireMigrated(db, "start again");
}
