// A queue timeout that echoes the request (SecurityCredential included) arriving while MariaDB is unreachable: it is
// acknowledged from the spool, and neither the spool file nor, once replayed, the database ever holds the secret.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mysqlAvailable } from "../support/databases.ts";
import { startServiceBehindProxy, type ProxiedService } from "../support/proxied-service.ts";
import { waitFor } from "../support/wait-for.ts";
import { resultFixtures } from "../../src/core/daraja/result/fixtures.ts";

const echo = resultFixtures.find((f) => f.name === "b2c_queue_timeout_request_echo")?.body ?? "";
const SECRETS = (() => {
  const body = JSON.parse(echo) as Record<string, string>;
  return [body.SecurityCredential, body.InitiatorName].filter((s): s is string => typeof s === "string" && s.length > 3);
})();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.if(await mysqlAvailable())("an echoed timeout through the spool on MariaDB", () => {
  let proxied: ProxiedService;
  const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-result-spool-"));

  beforeAll(async () => {
    proxied = await startServiceBehindProxy({ MPESA_CB_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await proxied.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("spooled without its secrets, then stored without them", async () => {
    expect(SECRETS.length).toBe(2);
    const { service, proxy } = proxied;
    proxy.cut();
    let spooled: string[];
    try {
      const res = await fetch(`${service.url}/timeouts/b2c`, { method: "POST", body: echo, headers: { "content-type": "application/json" } });
      expect([res.status, ((await res.json()) as { outcome: string }).outcome]).toEqual([200, "spooled"]);
      spooled = filesUnder(join(dataDir, "spool")).map((f) => readFileSync(f, "latin1"));
    } finally {
      proxy.restore();
    }
    expect(spooled.join("\n")).toContain("[redacted]"); // the spool really holds the request
    for (const secret of SECRETS) expect(spooled.join("\n")).not.toContain(secret);

    await waitFor(async () => {
      const rows = await service.db.sequelize.query("SELECT id FROM daraja_results WHERE api = 'b2c' AND result_key = 'myapp-b2c-000000000005'", { type: QueryTypes.SELECT });
      return rows.length === 1;
    }, { what: "the spooled timeout replayed into daraja_results" });
    const stored = JSON.stringify([
      await service.db.sequelize.query("SELECT * FROM callback_logs WHERE family = 'b2c-timeout'", { type: QueryTypes.SELECT }),
      await service.db.sequelize.query("SELECT * FROM daraja_results", { type: QueryTypes.SELECT }),
    ]);
    expect(stored).toContain("myapp-b2c-000000000005");
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
  }, 60_000);
});
