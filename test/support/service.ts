// Starts the real service (real Bun.serve on port 0, real database) for HTTP tests.
import { createConsola } from "consola";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/core/config.ts";
import { startService, type Service } from "../../src/server/service.ts";
import { migrate } from "../../src/core/store/migrations.ts";
import { openDatabase } from "../../src/core/store/database.ts";
import type { TestDatabase } from "./databases.ts";

export async function startTestService(tdb: TestDatabase, env: Record<string, string> = {}): Promise<Service> {
  if (tdb.target.dialect === "mysql") {
    const db = await openDatabase(tdb.target);
    await migrate(db);
    await db.close();
  }
  // Its own data directory (the spool lives there), never the working directory; removed when the service stops,
  // unless the test named its own.
  const own = env.MPESA_CB_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), "mpesa-cb-data-")) : null;
  const config = parseConfig({ MPESA_CB_LOG_LEVEL: "silent", ...(own === null ? {} : { MPESA_CB_DATA_DIR: own }), ...env }, { databaseUrl: tdb.url, port: 0, host: "127.0.0.1" });
  if (!config.ok) throw new Error(JSON.stringify(config.problems));
  const service = await startService(config.value, createConsola({ level: -999 }), "test");
  if (own === null) return service;
  const stop = service.stop.bind(service);
  service.stop = async () => {
    await stop();
    rmSync(own, { recursive: true, force: true });
  };
  return service;
}

export function postCallback(service: Service, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${service.url}/mpesa/callback`, { method: "POST", body, headers: { "content-type": "application/json;charset=UTF-8", ...headers } });
}
