// Ingest on real databases, with a logger that keeps its lines: one info line per money event, phone masked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createIngest, toItem, writeByFamily, type FamilyStore, type Ingest } from "../../../src/core/ingest/ingest.ts";
import { createC2bStore } from "../../../src/core/store/c2b-store.ts";
import { QueryTypes } from "sequelize";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { Spool } from "../../../src/core/spool/spool.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../../support/databases.ts";
import { failureBody, successBody, uniqueId } from "../../support/callbacks.ts";

describe.each(await testDialects())("ingest on %s", (dialect) => {
  let tdb: TestDatabase;
  let db: Database;
  let ingest: Ingest;
  const lines: { level: string; text: string }[] = [];
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-ingest-"));

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    db = await openDatabase(tdb.target);
    await migrate(db);
    const logger = createConsola({ level: 3, reporters: [{ log: (o) => void lines.push({ level: o.type, text: o.args.join(" ") }) }] });
    ingest = createIngest({ stores: new Map([["stk", createCallbackStore(db)]]), spool: new Spool(dir), maxBatch: 16, windowMs: 1, writers: 1, logger });
  });
  afterAll(async () => {
    await ingest.drain();
    await db.close();
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (rawBody: string) => ({ id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "196.201.214.200", route: "/mpesa/callback", rawBody });

  test("one info line per final outcome, with amount and receipt, the phone masked; none for a duplicate", async () => {
    const [paid, cancelled] = [uniqueId(), uniqueId()];
    const receipt = `L${paid.slice(-9)}`;
    lines.length = 0;
    expect((await ingest.handle(request(successBody(paid, receipt, "1500.50")))).status).toBe(200);
    expect((await ingest.handle(request(failureBody(cancelled)))).status).toBe(200);
    expect((await ingest.handle(request(successBody(paid, receipt, "1500.50")))).body.outcome).toBe("duplicate");
    const info = lines.filter((l) => l.level === "info").map((l) => l.text);
    expect(info).toEqual([
      `payment ${paid} Success (code 0) KES 1,500.50 receipt ${receipt} phone 2547******01: new`,
      `payment ${cancelled} Cancelled (code 1032): new`,
    ]);
    expect(lines.map((l) => l.text).join("\n")).not.toContain("254700000001");
  });

  test("one batch of several families: each to its store, the outcomes in arrival order", async () => {
    const [stk1, stk2, transId] = [uniqueId(), uniqueId(), `X${uniqueId("").slice(-9)}`];
    const c2b = JSON.stringify({ TransID: transId, TransAmount: "10.00", TransTime: "20250115120501", MSISDN: "254700000009" });
    const requests = [
      request(successBody(stk1, `Y${stk1.slice(-9)}`)), { ...request(c2b), family: "c2b-confirmation", route: "/c2b/confirmation" },
      request(failureBody(stk2)), { ...request(c2b), family: "c2b-confirmation", route: "/c2b/confirmation" },
    ];
    const stores = new Map<string, FamilyStore>([["stk", createCallbackStore(db)], ["c2b-confirmation", createC2bStore(db)]]);
    expect(await writeByFamily(stores, requests.map(toItem))).toEqual(["new", "new", "new", "duplicate"]);
    const [row] = await db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM c2b_payments WHERE trans_id = ?", { replacements: [transId], type: QueryTypes.SELECT });
    expect(Number(row?.n)).toBe(1);
  });
});
