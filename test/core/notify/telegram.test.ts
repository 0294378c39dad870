// The real node-telegram-bot-api client against a fake Bot API server: what each answer means, and no token leaks.
import { afterAll, describe, expect, test } from "bun:test";
import { createTelegramClient, tokenScrubber } from "../../../src/core/notify/telegram.ts";
import { FakeTelegram, type FakeAnswer } from "../../support/fake-telegram.ts";

const TOKEN = "123456:TEST-token_secret";
const fake = FakeTelegram.start(TOKEN);
afterAll(() => fake.stop());
// A timeout a busy machine meets: the fake answers at once, so only a hang ever reaches it. A hang is waited out
// with a shorter one (HANG_TIMEOUT_MS): the send must time out for the test to see what a timeout means.
const TIMEOUT_MS = 10_000;
const HANG_TIMEOUT_MS = 1_500;
const client = (timeoutMs = TIMEOUT_MS) => createTelegramClient({ token: TOKEN, apiRoot: fake.apiRoot, timeoutMs });

describe("send", () => {
  test("delivers HTML to the chat and returns Telegram's message id", async () => {
    const result = await client().send("-100200", "<b>hi</b> &amp; bye");
    const last = fake.delivered.at(-1);
    expect(result).toEqual({ ok: true, messageId: last?.messageId ?? -1 });
    expect([last?.chatId, last?.text, last?.parseMode]).toEqual(["-100200", "<b>hi</b> &amp; bye", "HTML"]);
  });

  test.each([
    ["429 with retry_after: retry after exactly that", "429", { permanent: false, retryAfterMs: 1_000 }],
    ["500: retry", "500", { permanent: false, retryAfterMs: null }],
    ["a hang past the timeout: retry", "hang", { permanent: false, retryAfterMs: null }],
    ["400: permanent", "400", { permanent: true, retryAfterMs: null }],
    ["403: permanent", "403", { permanent: true, retryAfterMs: null }],
  ] as [string, FakeAnswer, { permanent: boolean; retryAfterMs: number | null }][])("%s, one request only", async (_, answer, expected) => {
    const before = fake.answered.length;
    fake.script(answer);
    const started = Date.now();
    const result = await client(answer === "hang" ? HANG_TIMEOUT_MS : TIMEOUT_MS).send("1", "x");
    if (answer === "hang") expect(Date.now() - started).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 50); // it waited, then gave up
    expect(result.ok).toBe(false);
    if (!result.ok) expect({ permanent: result.permanent, retryAfterMs: result.retryAfterMs }).toEqual(expected);
    expect(fake.answered.slice(before)).toEqual([answer]); // the library's own retries are off: the outbox retries
  });

  test("a refused connection is a retry, and its error text never holds the token", async () => {
    const closed = FakeTelegram.start(TOKEN);
    const apiRoot = closed.apiRoot;
    await closed.stop();
    const c = createTelegramClient({ token: TOKEN, apiRoot, timeoutMs: TIMEOUT_MS });
    const sent = await c.send("1", "x");
    const probe = await c.getMe();
    expect(sent.ok || probe.ok).toBe(false);
    if (!sent.ok) expect([sent.permanent, sent.error.length > 0, sent.error.includes(TOKEN)]).toEqual([false, true, false]);
    if (!probe.ok) expect(probe.error.includes(TOKEN) || probe.error.includes(encodeURIComponent(TOKEN))).toBe(false);
  });
});

test("getMe answers up against the fake, and down with a wrong token", async () => {
  expect(await client().getMe()).toEqual({ ok: true, username: "payments_bot" });
  const wrong = await createTelegramClient({ token: "999:wrong", apiRoot: fake.apiRoot, timeoutMs: TIMEOUT_MS }).getMe();
  expect(wrong).toEqual({ ok: false, error: "Telegram 404: Not Found" });
});

test.each([
  ["as is", `GET https://api.telegram.org/bot${TOKEN}/sendMessage failed`],
  ["URL-encoded", `fetch(http://x/bot${encodeURIComponent(TOKEN)}/getMe)`],
])("the token is scrubbed %s", (_, text) => {
  const out = tokenScrubber(TOKEN)(text);
  expect(out).toContain("<bot-token>");
  expect(out.includes(TOKEN) || out.includes(encodeURIComponent(TOKEN))).toBe(false);
});
