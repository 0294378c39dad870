// The real service on a fresh MariaDB database reached through a TCP proxy the test controls: cut the proxy and the
// database is gone for the service, while the machine's MariaDB keeps running.
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";
import { startTestService } from "./service.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

export interface ProxiedService {
  service: Service;
  proxy: TcpProxy;
  tdb: TestDatabase;
  stop(): Promise<void>; // the service, the proxy, then the database
}

export async function startServiceBehindProxy(env: Record<string, string> = {}): Promise<ProxiedService> {
  const tdb = await createTestDatabase("mysql");
  if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
  const proxy = startTcpProxy(tdb.target.host, tdb.target.port);
  const service = await startTestService({ ...tdb, url: tdb.url.replace(`:${tdb.target.port}/`, `:${proxy.port}/`) }, env);
  return {
    service, proxy, tdb,
    async stop() {
      await service.stop();
      proxy.stop();
      await tdb.drop();
    },
  };
}
