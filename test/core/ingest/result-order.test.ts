// A Result API's timeout and result routes are two families that share a store and a key space: in one batch, items of
// one key keep their arrival order even when another family's item sits between them, on real databases.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createIngest, type FamilyStore, type Ingest } from "../../../src/core/ingest/ingest.ts";
import { RESULT_FAMILIES } from "../../../src/core/daraja/result/family.ts";
import { createResultStore } from "../../../src/core/store/result-store.ts";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { Spool } from "../../../src/core/spool/spool.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../../support/databases.ts";
import { uniqueId } from "../../support/callbacks.ts";

const envelope = (originator: string, timeout: boolean) => JSON.stringify({ Result: {
  ResultType: timeout ? 1 : 0, ResultCode: timeout ? 1 : 2040, ResultDesc: timeout ? "The service request has timed out." : "Unregistered receiver",
  OriginatorConversationID: originator, ConversationID: `AG_${originator}`, TransactionID: "",
} });

describe.each(await testDialects())("Result families in one batch on %s", (dialect) => {
  let tdb: TestDatabase;
  let db: Database;
  let ingest: Ingest;
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-result-order-"));

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    db = await openDatabase(tdb.target);
    await migrate(db);
    const store = createResultStore(db, {});
    const stores = new Map<string, FamilyStore>(RESULT_FAMILIES.map((f) => [f.name, store]));
    // A long window: everything submitted together is written in one batch.
    ingest = createIngest({ stores, spool: new Spool(dir), maxBatch: 16, windowMs: 200, writers: 1, logger: createConsola({ level: -999 }) });
  });
  afterAll(async () => {
    await ingest.drain();
    await db.close();
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (family: string, route: string, rawBody: string) => ({ id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "196.201.214.200", family, route, rawBody });

  test("[result A, timeout B, result B]: B's timeout is written before B's result (a late result, not a conflict)", async () => {
    const [a, b] = [uniqueId("test-b2c-"), uniqueId("test-b2c-")];
    const replies = await Promise.all([
      ingest.handle(request("b2c-result", "/results/b2c", envelope(a, false))),
      ingest.handle(request("b2c-timeout", "/timeouts/b2c", envelope(b, true))),
      ingest.handle(request("b2c-result", "/results/b2c", envelope(b, false))),
    ]);
    expect(replies.map((r) => r.body.outcome)).toEqual(["new", "new", "late-result"]);
  });
});
