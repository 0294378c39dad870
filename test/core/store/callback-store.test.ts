// The batch writer against real databases: SQLite files and the machine's MariaDB.
import { beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../../src/core/store/database.ts";
import { createCallbackStore, type CallbackStore } from "../../../src/core/store/callback-store.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { failure, item, success, uniqueId, utcIso } from "../../support/callbacks.ts";

const dialects = await testDialects();

describe.each(dialects)("callback store on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);
  let store: CallbackStore;

  beforeAll(async () => {
    store = createCallbackStore(suite.db);
  });

  const rowsFor = (id: string) =>
    suite.db.sequelize.query<Record<string, unknown>>(
      "SELECT status, result_code, mpesa_receipt_number, amount, phone_number, transaction_date, transaction_date_utc, superseded_status, conflict_count, last_conflict_code FROM transactions WHERE checkout_request_id = ?",
      { replacements: [id], type: QueryTypes.SELECT },
    );
  const logsFor = (id: string) =>
    suite.db.sequelize.query<Record<string, unknown>>("SELECT outcome, http_status, processed FROM callback_logs WHERE checkout_request_id = ? ORDER BY id", { replacements: [id], type: QueryTypes.SELECT });

  test("a success is stored with exact amount, receipt, phone and UTC date, and logged", async () => {
    const id = uniqueId();
    expect(await store.writeBatch([item(success(id, `R${id.slice(-9)}`, 150050))])).toEqual(["new"]);
    const [row] = await rowsFor(id);
    expect(row?.status).toBe("Success");
    expect(Number(row?.amount)).toBe(1500.5);
    expect(String(row?.amount)).toMatch(/^1500\.5/);
    expect(row?.phone_number).toBe("254700000001");
    expect(utcIso(row?.transaction_date_utc)).toBe("2025-01-15T07:31:12.000Z");
    expect(utcIso(row?.transaction_date)).toBe("2025-01-15T10:31:12.000Z"); // Nairobi wall time, as the original server kept it
    expect(await logsFor(id)).toEqual([{ outcome: "new", http_status: 200, processed: 1 }]);
  });

  test("duplicates and conflicts inside one batch and across batches", async () => {
    const a = uniqueId();
    const b = uniqueId();
    const first = await store.writeBatch([item(failure(a)), item(failure(a)), item(success(b, `R${b.slice(-9)}`)), item(success(a, `R${a.slice(-9)}`))]);
    expect(first).toEqual(["new", "duplicate", "new", "late-success"]);
    const second = await store.writeBatch([item(failure(b)), item(success(a, `R${a.slice(-9)}`)), item(failure(a, "1037", "Timeout"))]);
    expect(second).toEqual(["conflict", "duplicate", "conflict"]);
    const [rowA] = await rowsFor(a);
    expect([rowA?.status, rowA?.superseded_status, Number(rowA?.conflict_count), rowA?.last_conflict_code]).toEqual(["Success", "Cancelled", 2, "1037"]);
    const [rowB] = await rowsFor(b);
    expect([rowB?.status, Number(rowB?.conflict_count), rowB?.last_conflict_code]).toEqual(["Success", 1, "1032"]);
    expect((await logsFor(a)).map((l) => l.outcome)).toEqual(["new", "duplicate", "late-success", "duplicate", "conflict"]);
  });

  test("a copy of the conflicting callback just flagged is a duplicate, in one batch and across batches", async () => {
    const id = uniqueId();
    await store.writeBatch([item(success(id, `R${id.slice(-9)}`))]);
    expect(await store.writeBatch([item(failure(id)), item(failure(id))])).toEqual(["conflict", "duplicate"]);
    expect(await store.writeBatch([item(failure(id))])).toEqual(["duplicate"]);
    expect(await store.writeBatch([item(failure(id, "1037", "Timeout"))])).toEqual(["conflict"]); // another code: another conflict
    const [row] = await rowsFor(id);
    expect([row?.status, Number(row?.conflict_count), row?.last_conflict_code]).toEqual(["Success", 2, "1037"]);
  });

  test("a poisoned row (receipt already used by another payment) fails alone; the rest of the batch is stored", async () => {
    const ids = [uniqueId(), uniqueId(), uniqueId(), uniqueId()];
    const receipt = `P${ids[0]!.slice(-9)}`;
    await store.writeBatch([item(success(ids[0]!, receipt))]);
    const outcomes = await store.writeBatch([
      item(success(ids[1]!, `Q${ids[1]!.slice(-9)}`)), item(success(ids[2]!, receipt)), item(failure(ids[3]!)),
    ]);
    expect(outcomes).toEqual(["new", "quarantined", "new"]);
    expect((await rowsFor(ids[1]!)).length).toBe(1);
    expect((await rowsFor(ids[2]!)).length).toBe(0);
    expect((await rowsFor(ids[3]!)).length).toBe(1);
    const [log] = await suite.db.sequelize.query<{ outcome: string; problems: string }>(
      "SELECT outcome, problems FROM callback_logs WHERE checkout_request_id = ?", { replacements: [ids[2]], type: QueryTypes.SELECT });
    expect(log?.outcome).toBe("quarantined");
    expect(log?.problems).toContain("(database)");
  });

  test("rejected callbacks leave their raw body in callback_logs", async () => {
    const marker = uniqueId("junk");
    const it = item(null);
    it.request.rawBody = `{"not":"a callback","marker":"${marker}"}`;
    expect(await store.writeBatch([it])).toEqual(["rejected"]);
    const rows = await suite.db.sequelize.query<{ raw_payload: string; http_status: number; outcome: string }>(
      "SELECT raw_payload, http_status, outcome FROM callback_logs WHERE raw_payload LIKE ?", { replacements: [`%${marker}%`], type: QueryTypes.SELECT });
    expect(rows).toEqual([{ raw_payload: it.request.rawBody, http_status: 400, outcome: "rejected" }]);
  });

  test("two stores on one database writing the same payments at once: one row each, no error", async () => {
    const otherDb = await openDatabase(suite.tdb.target);
    const other = createCallbackStore(otherDb);
    const ids = Array.from({ length: 20 }, () => uniqueId());
    // The same callbacks reaching two processes: separate requests (their own request ids), the same payments.
    const batch = () => ids.map((id) => item(success(id, `C${id.slice(-9)}`)));
    const [x, y] = await Promise.all([store.writeBatch(batch()), other.writeBatch(batch())]).finally(() => otherDb.close());
    const outcomes = [...(x ?? []), ...(y ?? [])];
    expect(outcomes.filter((o) => o === "new").length).toBe(20);
    expect(outcomes.filter((o) => o === "duplicate").length).toBe(20);
    const [count] = await suite.db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE checkout_request_id IN (?)", { replacements: [ids], type: QueryTypes.SELECT });
    expect(Number(count?.n)).toBe(20);
  });
});
