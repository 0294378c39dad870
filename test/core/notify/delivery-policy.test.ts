// What a send's result does to its row: table-driven.
import { expect, test } from "bun:test";
import { decideDelivery, type RetryPolicy } from "../../../src/core/notify/delivery-policy.ts";
import type { SendResult } from "../../../src/core/notify/telegram.ts";

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 6_000 };
const transient: SendResult = { ok: false, permanent: false, retryAfterMs: null, error: "Network request failed: sendMessage" };

test.each([
  ["sent", { ok: true, messageId: 7 }, 1, 0, { action: "sent", messageId: 7 }],
  ["403 blocked: failed after one attempt", { ok: false, permanent: true, retryAfterMs: null, error: "Telegram 403: Forbidden" }, 1, 0, { action: "failed", error: "Telegram 403: Forbidden" }],
  ["first transient failure: base delay, at least half of it", transient, 1, 0, { action: "retry", delayMs: 500, rateLimited: false, error: transient.error }],
  ["first transient failure, halfway jitter", transient, 1, 0.5, { action: "retry", delayMs: 750, rateLimited: false, error: transient.error }],
  ["third: doubled twice", transient, 3, 0.5, { action: "retry", delayMs: 3_000, rateLimited: false, error: transient.error }],
  ["fourth: capped", transient, 4, 0.5, { action: "retry", delayMs: 4_500, rateLimited: false, error: transient.error }],
  ["the last attempt: failed, saying why", transient, 5, 0, { action: "failed", error: `gave up after 5 attempts; last: ${transient.error}` }],
  ["429: exactly retry_after, also past the attempt limit", { ok: false, permanent: false, retryAfterMs: 3_000, error: "Telegram 429" }, 9, 0, { action: "retry", delayMs: 3_000, rateLimited: true, error: "Telegram 429" }],
] as const)("%s", (_, result, attempt, random, verdict) => {
  expect(decideDelivery(result as SendResult, attempt, policy, random)).toEqual(verdict as never);
});
