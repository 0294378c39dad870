// The defences at the HTTP edge, on the real server: path tokens (with rotation), the source allowlist, proxies.
import { afterAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";

const OLD = "old-token-0123456789abcdef";
const NEW = "new-token-fedcba9876543210";
const running: Service[] = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const s of running) await s.stop();
  for (const d of dbs) await d.drop();
});

async function serviceWith(env: Record<string, string>): Promise<Service> {
  const tdb = await createTestDatabase("sqlite");
  dbs.push(tdb);
  const s = await startTestService(tdb, env);
  running.push(s);
  return s;
}

const post = (s: Service, path: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, { method: "POST", body: failureBody(uniqueId()), headers: { "content-type": "application/json", ...headers } });

describe("secret path tokens", () => {
  test("during a rotation both tokens work; the plain path and a wrong token get 404; the token is never stored", async () => {
    const s = await serviceWith({ MPESA_CB_CALLBACK_TOKENS: `${OLD},${NEW}` });
    expect((await post(s, `/mpesa/callback/${OLD}`)).status).toBe(200);
    expect((await post(s, `/mpesa/callback/${NEW}`)).status).toBe(200);
    expect((await post(s, "/mpesa/callback")).status).toBe(404);
    expect((await post(s, "/mpesa/callback/not-the-token-at-all")).status).toBe(404);
    expect((await post(s, "/mpesa/callback/%E0%A4%A")).status).toBe(404); // a malformed escape is just a wrong token
    const health = (await fetch(`${s.url}/health`).then((r) => r.json())) as { security: { wrongToken: number } };
    expect(health.security.wrongToken).toBe(3);
    const routes = await s.db.sequelize.query<{ route: string }>("SELECT DISTINCT route FROM callback_logs ORDER BY route", { type: QueryTypes.SELECT });
    expect(routes.map((r) => r.route)).toEqual(["/mpesa/callback/:token#1", "/mpesa/callback/:token#2"]);
  });

  test("every callback route takes the token: the neutral STK alias too, and never without it", async () => {
    const s = await serviceWith({ MPESA_CB_CALLBACK_TOKENS: NEW });
    expect((await post(s, `/stk/callback/${NEW}`)).status).toBe(200);
    expect((await post(s, "/stk/callback")).status).toBe(404);
    expect((await post(s, `/stk/callback/${OLD}`)).status).toBe(404);
    const body = (await (await post(s, `/stk/callback/${OLD}`)).json()) as { path: string };
    expect(body.path).toBe("/stk/callback"); // a wrong token is never echoed
    const routes = await s.db.sequelize.query<{ route: string }>("SELECT DISTINCT route FROM callback_logs", { type: QueryTypes.SELECT });
    expect(routes.map((r) => r.route)).toEqual(["/stk/callback/:token#1"]);
  });

  test("after the old token is removed from the configuration it gets 404", async () => {
    const s = await serviceWith({ MPESA_CB_CALLBACK_TOKENS: NEW });
    expect((await post(s, `/mpesa/callback/${OLD}`)).status).toBe(404);
    expect((await post(s, `/mpesa/callback/${NEW}`)).status).toBe(200);
  });

  test("without tokens configured, /mpesa/callback/<anything> is not a callback route", async () => {
    const s = await serviceWith({});
    expect((await post(s, `/mpesa/callback/${NEW}`)).status).toBe(404);
    expect((await post(s, "/mpesa/callback")).status).toBe(200);
  });
});

describe("source allowlist", () => {
  test("enforce: an unlisted source gets 403 and its request is still kept in callback_logs", async () => {
    const s = await serviceWith({ MPESA_CB_SOURCE_IP_MODE: "enforce", MPESA_CB_TRUSTED_PROXIES: "10.255.255.1" });
    const res = await post(s, "/mpesa/callback");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("(source)");
    const rows = await s.db.sequelize.query<{ outcome: string; source_ip: string }>("SELECT outcome, source_ip FROM callback_logs", { type: QueryTypes.SELECT });
    expect(rows).toEqual([{ outcome: "rejected", source_ip: "127.0.0.1" }]);
  });

  test("a spoofed X-Forwarded-For from an untrusted peer does not pass", async () => {
    const s = await serviceWith({ MPESA_CB_SOURCE_IP_MODE: "enforce", MPESA_CB_TRUSTED_PROXIES: "10.255.255.1" });
    expect((await post(s, "/mpesa/callback", { "x-forwarded-for": "196.201.212.69" })).status).toBe(403);
  });

  test("the same header from a trusted proxy does (loopback is trusted by default)", async () => {
    const s = await serviceWith({ MPESA_CB_SOURCE_IP_MODE: "enforce" });
    expect((await post(s, "/mpesa/callback", { "x-forwarded-for": "196.201.212.69" })).status).toBe(200);
    expect((await post(s, "/mpesa/callback", { "x-forwarded-for": "203.0.113.7" })).status).toBe(403);
    const rows = await s.db.sequelize.query<{ source_ip: string }>("SELECT source_ip FROM callback_logs ORDER BY id", { type: QueryTypes.SELECT });
    expect(rows.map((r) => r.source_ip)).toEqual(["196.201.212.69", "203.0.113.7"]);
  });

  test("report: an unlisted source is accepted and counted", async () => {
    const s = await serviceWith({ MPESA_CB_SOURCE_IP_MODE: "report" });
    expect((await post(s, "/mpesa/callback")).status).toBe(200);
    const health = (await fetch(`${s.url}/health`).then((r) => r.json())) as { security: { unlistedSource: number; refusedSource: number } };
    expect([health.security.unlistedSource, health.security.refusedSource]).toEqual([1, 0]);
  });
});

describe("unsolicited successes", () => {
  test("reject mode answers 403 with a reason; flag mode accepts", async () => {
    const strict = await serviceWith({ MPESA_CB_UNSOLICITED: "reject" });
    const id = uniqueId();
    const res = await fetch(`${strict.url}/mpesa/callback`, { method: "POST", body: successBody(id, `Z${id.slice(-9)}`), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { outcome: string }).outcome).toBe("refused");
    const lenient = await serviceWith({});
    expect((await fetch(`${lenient.url}/mpesa/callback`, { method: "POST", body: successBody(id, `Z${id.slice(-9)}`), headers: { "content-type": "application/json" } })).status).toBe(200);
  });
});
