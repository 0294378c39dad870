// The real undici client against a local fake Daraja: credentials sent right, token cached and refreshed, answers classified.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createStkQueryClient, type DarajaCredentials, type StkQueryClient } from "../../../src/core/daraja-api/stk-query.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { uniqueId } from "../../support/callbacks.ts";

const PASSKEY = "fake-passkey-bfb279f9aa9bdbcf158e97dd71a467cd";
let fake: FakeDaraja;
let creds: DarajaCredentials;
let client: StkQueryClient;

beforeAll(() => {
  fake = FakeDaraja.start();
  creds = { apiRoot: fake.apiRoot, ...fake.creds, shortcode: "174379", passkey: PASSKEY };
  client = createStkQueryClient(creds, { ratePerSecond: 1000, timeoutMs: 2_000 });
});
afterAll(async () => {
  await client.close();
  await fake.stop();
});

describe("stk query client", () => {
  test("sends the shortcode, base64(shortcode + passkey + timestamp) and the bearer token; reads a success", async () => {
    const id = uniqueId();
    expect(await client.query(id)).toEqual({ kind: "final", resultCode: "0", resultDesc: "The service request is processed successfully." });
    const [q] = fake.queriesFor(id);
    expect(q?.body.BusinessShortCode).toBe("174379");
    expect(String(q?.body.Timestamp)).toMatch(/^\d{14}$/);
    expect(Buffer.from(String(q?.body.Password), "base64").toString()).toBe(`174379${PASSKEY}${String(q?.body.Timestamp)}`);
    expect(fake.issuedTokens).toContain(String(q?.authorization).replace(/^Bearer /, ""));
  });

  test("fetches the OAuth token once and reuses it, also for queries at the same moment", async () => {
    const own = createStkQueryClient(creds, { ratePerSecond: 1000 });
    const before = fake.oauthCalls;
    const ids = Array.from({ length: 5 }, () => uniqueId());
    await Promise.all(ids.map((id) => own.query(id)));
    await own.query(uniqueId());
    await own.close();
    expect(fake.oauthCalls - before).toBe(1);
    expect(new Set(ids.map((id) => fake.queriesFor(id)[0]?.authorization)).size).toBe(1);
  });

  test("a 401 (expired token) fetches a new token and asks once more", async () => {
    const id = uniqueId();
    await client.query(uniqueId()); // a token is cached
    fake.revokeTokens();
    const before = fake.oauthCalls;
    expect((await client.query(id)).kind).toBe("final");
    expect(fake.oauthCalls - before).toBe(1);
    expect(fake.queriesFor(id).map((q) => q.answer)).toEqual(["unauthorized", "success"]);
  });

  test("a 401 twice in a row is an error, not a loop", async () => {
    const id = uniqueId();
    fake.script(id, "unauthorized", "unauthorized", "success");
    expect((await client.query(id)).kind).toBe("error");
    expect(fake.queriesFor(id)).toHaveLength(2);
  });

  test.each([
    ["cancelled", { kind: "final", resultCode: "1032", resultDesc: "Request Cancelled by user." }],
    ["pending500", { kind: "pending" }],
    ["pending500-empty", { kind: "pending" }],
    ["pending4999", { kind: "pending" }],
    ["spike-arrest", { kind: "throttled" }],
    ["quota", { kind: "throttled" }],
  ] as const)("answer %s", async (answer, expected) => {
    const id = uniqueId();
    fake.script(id, answer);
    expect(await client.query(id)).toEqual(expected as never);
  });
});

describe("failures hold no secret", () => {
  test("wrong consumer credentials: an error that says what to check, without the key or secret", async () => {
    const bad = createStkQueryClient({ ...creds, consumerKey: "wrong-key-Zq9", consumerSecret: "wrong-secret-Xy7" });
    const answer = await bad.query(uniqueId());
    await bad.close();
    expect(answer.kind).toBe("error");
    const message = answer.kind === "error" ? answer.message : "";
    expect(message).toContain("MPESA_CONSUMER_KEY");
    for (const secret of ["wrong-key-Zq9", "wrong-secret-Xy7", PASSKEY]) expect(message).not.toContain(secret);
  });

  test("connection refused: an error naming the failure, without secrets", async () => {
    const down = FakeDaraja.start();
    const root = down.apiRoot;
    await down.stop();
    const c = createStkQueryClient({ ...creds, apiRoot: root }, { timeoutMs: 1_000 });
    const answer = await c.query(uniqueId());
    await c.close();
    expect(answer.kind).toBe("error");
    const message = answer.kind === "error" ? answer.message : "";
    expect(message).toContain("/oauth/v1/generate");
    for (const secret of [creds.consumerKey, creds.consumerSecret, PASSKEY]) expect(message).not.toContain(secret);
  });
});
