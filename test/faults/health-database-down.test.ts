// README (HTTP): `GET /health` answers 200, "or 503 when the database does not answer a real query". MariaDB is
// cut away by a proxy between serve and the database (the machine's MariaDB keeps running); /health must say so
// with 503 and `unhealthy`, and answer 200 again once the database is back, without a restart.
// (SQLite is a file inside the server's own process: there is no outage of it to cause from outside.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mysqlAvailable } from "../support/databases.ts";
import { startServiceBehindProxy, type ProxiedService } from "../support/proxied-service.ts";
import type { TcpProxy } from "../support/tcp-proxy.ts";
import { waitFor } from "../support/wait-for.ts";
import type { Service } from "../../src/server/service.ts";

interface Health {
  status: string;
  database: { status: string; dialect: string; error?: string };
}

describe.skipIf(!(await mysqlAvailable()))("/health while MariaDB is cut away", () => {
  let proxied: ProxiedService;
  let proxy: TcpProxy;
  let service: Service;
  beforeAll(async () => {
    proxied = await startServiceBehindProxy();
    ({ proxy, service } = proxied);
  });
  afterAll(() => proxied.stop());

  const health = async () => {
    const res = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(30_000) });
    return { code: res.status, body: (await res.json()) as Health };
  };

  test("200 healthy, then 503 unhealthy with the database down and why, then 200 again once it is back", async () => {
    const before = await health();
    expect([before.code, before.body.status, before.body.database.status]).toEqual([200, "healthy", "up"]);

    proxy.cut();
    const down = await health();
    expect([down.code, down.body.status, down.body.database.status, down.body.database.dialect]).toEqual([503, "unhealthy", "down", "mysql"]);
    expect(down.body.database.error?.length ?? 0).toBeGreaterThan(0);

    proxy.restore();
    await waitFor(async () => (await health()).code === 200, { what: "/health to answer 200 once MariaDB is back", timeoutMs: 30_000 });
    expect((await health()).body.database.status).toBe("up");
  }, 90_000);
});
