// HTTP/1.0 requests without a Host header (HAProxy's default health check, old monitors and proxies) are served like
// any other, callbacks included (issue 10, item 5). Sent over a raw socket: fetch always adds a Host header.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";
import { successBody, uniqueId } from "../support/callbacks.ts";

/** Sends `head` (+ body) on a new connection and returns everything the server wrote until it closed. */
async function rawRequest(port: number, head: string, body = ""): Promise<{ status: number; headers: string; body: string }> {
  const chunks: Buffer[] = [];
  const closed = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname: "127.0.0.1", port,
    socket: { data: (_s, d) => void chunks.push(Buffer.from(d)), close: () => closed.resolve(), error: (_s, e) => closed.reject(e) },
  });
  socket.write(`${head}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await Promise.race([closed.promise, Bun.sleep(15_000).then(() => { throw new Error("the server did not close the HTTP/1.0 connection within 15 s"); })]);
  const text = Buffer.concat(chunks).toString();
  const [headers = "", ...rest] = text.split("\r\n\r\n");
  return { status: Number(headers.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

describe.each(await testDialects())("requests without a Host header on %s", (dialect) => {
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

  test("GET /health over HTTP/1.0 with no Host: a health report, not a 500", async () => {
    const res = await rawRequest(service.port, "GET /health HTTP/1.0");
    expect(res.headers).not.toMatch(/\r\nhost:/i);
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { status: string }).status).toBe("healthy");
  });

  test("a callback over HTTP/1.0 with no Host is stored and acknowledged", async () => {
    const id = uniqueId();
    const res = await rawRequest(service.port, "POST /mpesa/callback HTTP/1.0\r\ncontent-type: application/json", successBody(id, `H${id.slice(-9)}`));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ResultCode: 0, CheckoutRequestID: id, outcome: "new" });
    const rows = await service.db.sequelize.query<{ status: string }>("SELECT status FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
    expect(rows).toEqual([{ status: "Success" }]);
  });

  test("an unknown path with no Host is a 404 naming the path", async () => {
    const res = await rawRequest(service.port, "GET /nowhere HTTP/1.0");
    expect([res.status, (JSON.parse(res.body) as { path: string }).path]).toEqual([404, "/nowhere"]);
  });
});
