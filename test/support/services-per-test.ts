// For a describe block of HTTP tests on one dialect: `start(env)` starts the real service on a fresh database, and
// after each test every service started is stopped and its database dropped.
import { afterEach } from "bun:test";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./databases.ts";
import { startTestService } from "./service.ts";

export function servicesPerTest(dialect: TestDialect, afterEachTest: () => void = () => {}): (env?: Record<string, string>) => Promise<Service> {
  const running: Service[] = [];
  const dbs: TestDatabase[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    for (const d of dbs.splice(0)) await d.drop();
    afterEachTest();
  });
  return async (env = {}) => {
    const tdb = await createTestDatabase(dialect);
    dbs.push(tdb);
    const s = await startTestService(tdb, env);
    running.push(s);
    return s;
  };
}
