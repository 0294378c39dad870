// The HTTP face on the real Bun.serve, against SQLite and MariaDB: the same suite on both.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { stkFixtures } from "../../src/core/daraja/stk/fixtures.ts";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { failureBody, successBody, uniqueId, utcIso } from "../support/callbacks.ts";

describe.each(await testDialects())("HTTP on %s", (dialect) => {
  let tdb: TestDatabase;
  let service: Service;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    service = await startTestService(tdb);
  });
  afterAll(async () => {
    await service.stop();
    await tdb.drop();
  });

  const payment = async (id: string) => {
    const rows = await service.db.sequelize.query<Record<string, unknown>>(
      "SELECT status, amount, mpesa_receipt_number, phone_number, transaction_date, transaction_date_utc, result_code FROM transactions WHERE checkout_request_id = ?",
      { replacements: [id], type: QueryTypes.SELECT });
    return rows;
  };

  test("GET / describes the service", async () => {
    const res = await fetch(`${service.url}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { service: string; endpoints: Record<string, string> };
    expect(body.service).toBe("mpesa-cb");
    expect(body.endpoints.stkCallback).toBe("POST /mpesa/callback");
  });

  test("callbacks are logged under request ids that sort in arrival order (the unique index grows at its end)", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(uniqueId("ws_CO_ORDER"));
    for (const id of ids) expect((await postCallback(service, failureBody(id))).status).toBe(200);
    const rows = await service.db.sequelize.query<{ request_id: string; checkout_request_id: string }>(
      `SELECT request_id, checkout_request_id FROM callback_logs WHERE checkout_request_id IN (${ids.map(() => "?").join(", ")})`,
      { replacements: ids, type: QueryTypes.SELECT });
    const byRequestId = rows.map((r) => r.request_id).sort();
    expect(byRequestId.map((requestId) => rows.find((r) => r.request_id === requestId)?.checkout_request_id)).toEqual(ids);
  });

  test("GET /health queries the database", async () => {
    const res = await fetch(`${service.url}/health`);
    const body = (await res.json()) as { status: string; database: { status: string; dialect: string }; timestamp: string };
    expect(res.status).toBe(200);
    expect([body.status, body.database.status, body.database.dialect]).toEqual(["healthy", "up", dialect]);
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  test.each(stkFixtures.map((f) => [f.name, f] as const))("fixture %s gets its documented outcome", async (_, fixture) => {
    // Each fixture's IDs are its own, but the suite may run twice on one database: make them unique per run.
    const suffix = uniqueId("");
    const body = fixture.body.replace(/"(ws_CO_[0-9]+)"/g, `"$1${suffix}"`).replace(/"(FAKE0RCP[A-Z0-9]+)"/g, (_, r: string) => `"${(r + suffix).slice(0, 20)}"`);
    const res = await postCallback(service, body);
    expect(res.status).toBe(fixture.expected.httpStatus);
    const json = (await res.json()) as { ResultCode: number; CheckoutRequestID?: string; errors?: { path: string }[] };
    if (fixture.expected.httpStatus === 400) {
      expect(json.errors?.map((e) => e.path).sort()).toEqual([...(fixture.expected.problemPaths ?? [])].sort());
      return;
    }
    expect(json.ResultCode).toBe(0);
    const [row] = await payment(json.CheckoutRequestID ?? "");
    expect(row?.status).toBe(fixture.expected.status);
    const cents = row?.amount === null || row?.amount === undefined ? null : Math.round(Number(row.amount) * 100);
    expect(cents).toBe(fixture.expected.amountCents ?? null);
    expect(row?.mpesa_receipt_number ?? null).toBe(fixture.expected.receipt ? (fixture.expected.receipt + suffix).slice(0, 20) : null);
    expect(row?.phone_number ?? null).toBe(fixture.expected.phone ?? null);
    expect(utcIso(row?.transaction_date_utc)).toBe(fixture.expected.transactionDateUtc ?? null);
    // The original server's column keeps its meaning for its readers: Nairobi wall time (UTC+3), as Daraja sent it.
    const utc = fixture.expected.transactionDateUtc;
    expect(utcIso(row?.transaction_date)).toBe(utc ? new Date(Date.parse(utc) + 3 * 3600_000).toISOString() : null);
  });

  test("POST /stk/callback, the neutral alias, is the same STK route: stored, logged under its own path", async () => {
    const id = uniqueId();
    const res = await fetch(`${service.url}/stk/callback`, { method: "POST", body: successBody(id, `A${id.slice(-9)}`), headers: { "content-type": "application/json" } });
    expect([res.status, ((await res.json()) as { outcome: string }).outcome]).toEqual([200, "new"]);
    expect((await payment(id)).map((r) => r.status)).toEqual(["Success"]);
    const logs = await service.db.sequelize.query<{ route: string; family: string }>("SELECT route FROM callback_logs WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
    expect(logs.map((l) => l.route)).toEqual(["/stk/callback"]);
  });

  test("50 concurrent copies of one callback: one row, 50 × 200", async () => {
    const id = uniqueId();
    const body = successBody(id, `D${id.slice(-9)}`);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => postCallback(service, body).then((r) => r.status)));
    expect(statuses).toEqual(Array(50).fill(200));
    expect((await payment(id)).length).toBe(1);
    const [logs] = await service.db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM callback_logs WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
    expect(Number(logs?.n)).toBe(50);
  });

  test("a success after a cancel is kept and flagged, not silently applied", async () => {
    const id = uniqueId();
    expect((await postCallback(service, failureBody(id))).status).toBe(200);
    const res = await postCallback(service, successBody(id, `L${id.slice(-9)}`));
    expect(((await res.json()) as { outcome: string }).outcome).toBe("late-success");
    const [row] = await service.db.sequelize.query<Record<string, unknown>>("SELECT status, superseded_status, conflict_count FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
    expect([row?.status, row?.superseded_status, Number(row?.conflict_count)]).toEqual(["Success", "Cancelled", 1]);
  });

  test("codes and amounts sent as strings are accepted and normalised", async () => {
    const id = uniqueId();
    const body = successBody(id, `S${id.slice(-9)}`, "250.00").replace('"ResultCode":0', '"ResultCode":"0"');
    expect((await postCallback(service, body)).status).toBe(200);
    const [row] = await payment(id);
    expect([row?.status, Number(row?.amount)]).toEqual(["Success", 250]);
  });

  test("unknown paths get 404 JSON, wrong methods 405 with Allow", async () => {
    const missing = await fetch(`${service.url}/nope`);
    expect([missing.status, missing.headers.get("content-type")]).toEqual([404, "application/json"]);
    const wrong = await fetch(`${service.url}/mpesa/callback`);
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "POST"]);
  });

  test("content type is checked loosely: JSON with a charset passes, a form is refused with 415 and kept", async () => {
    const id = uniqueId();
    expect((await postCallback(service, failureBody(id), { "content-type": "application/json;charset=UTF-8" })).status).toBe(200);
    expect((await postCallback(service, failureBody(uniqueId()), { "content-type": "text/plain" })).status).toBe(200);
    const marker = uniqueId("form");
    const res = await postCallback(service, `a=1&marker=${marker}`, { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain("(content-type)");
    const rows = await service.db.sequelize.query("SELECT outcome FROM callback_logs WHERE raw_payload LIKE ?", { replacements: [`%${marker}%`], type: QueryTypes.SELECT });
    expect(rows).toEqual([{ outcome: "rejected" }]);
  });

  test("a body over the limit gets 413, and its first bytes are kept in callback_logs", async () => {
    for (const size of [65_537, 70_000, 3_000_000]) {
      const marker = uniqueId("big");
      const res = await postCallback(service, `{"m":"${marker}","pad":"${"x".repeat(size)}"}`);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["(size)"]);
      const rows = await service.db.sequelize.query<{ outcome: string; http_status: number; n: number }>(
        "SELECT outcome, http_status, LENGTH(raw_payload) AS n FROM callback_logs WHERE raw_payload LIKE ?", { replacements: [`%${marker}%`], type: QueryTypes.SELECT });
      expect(rows.map((r) => [r.outcome, Number(r.http_status), Number(r.n)])).toEqual([["rejected", 413, 65_536]]);
    }
  });

  test("invalid UTF-8 is rejected with 400 and its raw body kept", async () => {
    const marker = uniqueId("utf");
    const bytes = new Uint8Array([...new TextEncoder().encode(`{"m":"${marker}`), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    const res = await fetch(`${service.url}/mpesa/callback`, { method: "POST", body: bytes, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    const rows = await service.db.sequelize.query("SELECT outcome FROM callback_logs WHERE raw_payload LIKE ?", { replacements: [`%${marker}%`], type: QueryTypes.SELECT });
    expect(rows).toEqual([{ outcome: "rejected" }]);
  });
});
