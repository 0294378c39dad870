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
  const ingest = createIngest({ store: createCallbackStore(db), maxBatch: config.batchMax, windowMs: config.batchWindowMs, writers, logger });
  const health = createHealthCheck({ db, ingest, version });
  const fetch = createApp({ ingest, health, version, maxBodyBytes: config.maxBodyBytes, logger });
  const server = Bun.serve({
    hostname: config.host, port: config.port, fetch,
    maxRequestBodySize: config.maxBodyBytes + 1, // our reader answers 413 itself, with a JSON body
    idleTimeout: 30,
    error: (e) => {
      logger.error("unexpected server error:", e);
      return new Response(JSON.stringify({ error: "internal error" }), { status: 500, headers: { "content-type": "application/json" } });
    },
  });
  const port = server.port ?? config.port;
  const shown = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return {
    url: `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`, port, db, ingest, server,
    async stop() {
      await server.stop(); // stop accepting; wait for requests in flight
      await ingest.drain();
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
