// Replay from the spool into real databases: a request keeps the outcome the edge gave it live (issue 10, item 1).
import { afterAll, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { QueryTypes } from "sequelize";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import { Spool } from "../../../src/core/spool/spool.ts";
import { startReplay } from "../../../src/core/spool/replay.ts";
import { toItem, writeByFamily } from "../../../src/core/ingest/ingest.ts";
import { findLoggedRequestIds } from "../../../src/core/store/request-ids.ts";
import type { CallbackRequest } from "../../../src/core/ingest/batch-plan.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { successBody, uniqueId } from "../../support/callbacks.ts";

const dialects = await testDialects();

describe.each(dialects)("spool replay on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-replay-"));

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (id: string, extra: Partial<CallbackRequest> = {}): CallbackRequest => ({
    id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "196.201.214.200", sourceVerdict: "listed", route: "/mpesa/callback",
    rawBody: successBody(id, `S${id.slice(-9)}`), ...extra,
  });

  test("refused at the edge stays refused; unsolicited successes are refused at replay when configured", async () => {
    const ids = { source: uniqueId(), type: uniqueId(), bytes: uniqueId(), unsolicited: uniqueId(), ours: uniqueId() };
    for (const id of [ids.source, ids.type, ids.bytes, ids.ours]) {
      await suite.db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount) VALUES (?, '254700000001', 1500.00)", { replacements: [id] });
    }
    const spool = new Spool(join(dir, dialect));
    await spool.append([
      request(ids.source, { sourceIp: "203.0.113.7", sourceVerdict: "unlisted", edgeProblems: [{ path: "(source)", message: "203.0.113.7 is not an allowed callback source" }] }),
      request(ids.type, { edgeProblems: [{ path: "(content-type)", message: 'must be application/json, got "application/x-www-form-urlencoded"' }] }),
      request(ids.bytes, { edgeProblems: [{ path: "(body)", message: "is not valid UTF-8 text" }] }),
      request(ids.unsolicited),
      request(ids.ours),
    ]);
    const stores = new Map([["stk", createCallbackStore(suite.db, { refuseUnsolicited: true })]]);
    const write = (requests: CallbackRequest[]) => writeByFamily(stores, requests.map(toItem));
    const replay = startReplay({ spool, write, alreadyStored: (r) => findLoggedRequestIds(suite.db, r), logger: createConsola({ level: -999 }), batchSize: 2 });
    try {
      expect(await replay.runOnce()).toBe(true);
    } finally {
      await replay.stop();
    }
    expect(spool.stats().depth).toBe(0);
    const paid = await suite.db.sequelize.query<{ id: string }>("SELECT checkout_request_id AS id FROM transactions WHERE checkout_request_id IN (?)",
      { replacements: [Object.values(ids)], type: QueryTypes.SELECT });
    expect(paid.map((r) => r.id)).toEqual([ids.ours]);
    const logs = await suite.db.sequelize.query<{ raw: string; outcome: string; http_status: number; source_verdict: string | null }>(
      "SELECT raw_payload AS raw, outcome, http_status, source_verdict FROM callback_logs", { type: QueryTypes.SELECT });
    const log = (id: string) => logs.find((l) => l.raw.includes(id));
    expect([ids.source, ids.type, ids.bytes, ids.unsolicited, ids.ours].map((id) => [log(id)?.outcome, Number(log(id)?.http_status)])).toEqual([
      ["rejected", 403], ["rejected", 415], ["rejected", 400], ["refused", 403], ["new", 200],
    ]);
    expect(log(ids.source)?.source_verdict).toBe("unlisted"); // the allowlist's word survives the spool too
  });
});
