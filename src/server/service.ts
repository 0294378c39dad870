// Builds the running service from a configuration: database, schema check, ingest, HTTP. Used by `serve` and tests.
import type { ConsolaInstance } from "consola";
import type { Server } from "bun";
import type { Config } from "../core/config.ts";
import { openDatabase, type Database } from "../core/store/database.ts";
import { migrate, pendingMigrations } from "../core/store/migrations.ts";
import { createCallbackStore } from "../core/store/callback-store.ts";
import { createIngest, type Ingest } from "../core/ingest/ingest.ts";
import { createHealthCheck } from "../core/health.ts";
import { AppError } from "../core/errors.ts";
import { createApp } from "./app.ts";
import type { SecurityCounters } from "./callbacks.ts";
import { startNotifier } from "../core/notify/notifier.ts";
import { notifyTargets } from "../core/notify/notification-plan.ts";
import { startConfirmer } from "../core/confirm/confirm-worker.ts";
import { releaseReceipt } from "../core/confirm/release-receipt.ts";
import { join } from "node:path";
import { Spool } from "../core/spool/spool.ts";
import { startReplay } from "../core/spool/replay.ts";
import { stkFamily } from "../core/daraja/stk-family.ts";
import { findLoggedRequestIds } from "../core/store/request-ids.ts";

export interface Service {
  url: string;
  port: number;
  db: Database;
  ingest: Ingest;
  server: Server<unknown>;
  stop(): Promise<void>;
}

export async function startService(config: Config, logger: ConsolaInstance, version: string): Promise<Service> {
  const db = await openDatabase(config.database, { pool: config.dbPool });
  try {
    await prepareSchema(db, logger);
  } catch (e) {
    await db.close();
    throw e;
  }
  const writers = db.dialect === "sqlite" ? 1 : Math.min(config.writers, config.dbPool - 1);
  const notify = notifyTargets(config.telegram);
  const store = createCallbackStore(db, { notify, confirm: config.confirm.enabled, refuseUnsolicited: config.auth.rejectUnsolicited });
  const spool = new Spool(join(config.dataDir, "spool"));
  const stores = new Map([[stkFamily.name, store]]);
  const ingest = createIngest({ stores, spool, maxBatch: config.batchMax, windowMs: config.batchWindowMs, writers, logger });
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
  const app = createApp({ ingest, health, version, maxBodyBytes: config.maxBodyBytes, logger, auth: config.auth, counters });
  // While stopping, every answer says `Connection: close`: a keep-alive client then opens a new connection (refused
  // once we stop listening) instead of sending its next callback into a connection that is about to close.
  let draining = false;
  let inFlight = 0;
  const fetch = async (req: Request, srv: Server<unknown>): Promise<Response> => {
    inFlight++;
    try {
      const res = await app(req, srv);
      if (draining) res.headers.set("connection", "close");
      return res;
    } finally {
      inFlight--;
    }
  };
  const server = Bun.serve({
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
  notifier = startNotifier({ db, config, logger });
  const confirmer = config.confirm.enabled
    ? startConfirmer({
        db, logger, config: { ...config.confirm },
        options: {
          firstDelayMs: config.confirm.firstDelayMs, maxAttempts: config.confirm.maxAttempts,
          onVerdict: async (v) => {
            if (v.verdict === "verified" && notify.receipts) await releaseReceipt(db, v.checkoutRequestId);
            if (v.verdict !== "verified") logger.warn(`payment ${v.checkoutRequestId}: Daraja's confirmation says ${v.verdict}${v.detail ? ` (${v.detail})` : ""}; no receipt sent`);
          },
        },
      })
    : undefined;
  const port = server.port ?? config.port;
  const shown = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return {
    url: `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`, port, db, ingest, server,
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
      await notifier?.stop();
      await db.close();
    },
  };
}

// SQLite is ours alone: create or upgrade it in place. A shared MySQL is upgraded on purpose, by `migrate`.
async function prepareSchema(db: Database, logger: ConsolaInstance): Promise<void> {
  if (db.dialect === "sqlite") {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info(`database schema created/upgraded: ${applied.join(", ")}`);
    return;
  }
  const pending = await pendingMigrations(db);
  if (pending.length > 0) {
    throw new AppError("schema", `the database ${db.description} is not migrated (pending: ${pending.map((m) => m.name).join(", ")})`, {
      hint: "run `mpesa-cb migrate` with the same settings, then start again",
    });
  }
}
