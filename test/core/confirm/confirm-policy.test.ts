// Daraja's answer → the verdict or the next try (pure, table-driven).
import { expect, test } from "bun:test";
import { decideConfirmation, retryDelayMs } from "../../../src/core/confirm/confirm-policy.ts";

const policy = { retryBaseMs: 10_000, retryMaxMs: 60_000, maxAttempts: 4 };

test.each([
  [{ kind: "final", resultCode: "0", resultDesc: "ok" }, 1, false, { action: "verdict", verdict: "verified", detail: "Daraja ResultCode 0" }],
  [{ kind: "final", resultCode: "1032", resultDesc: "Request Cancelled by user." }, 1, false,
    { action: "verdict", verdict: "mismatch", detail: "Daraja ResultCode 1032: Request Cancelled by user." }],
  [{ kind: "final", resultCode: "1037", resultDesc: "x" }, 4, true, { action: "verdict", verdict: "mismatch", detail: "Daraja ResultCode 1037: x" }],
  [{ kind: "pending" }, 1, false, { action: "retry", delayMs: 10_000, detail: "attempt 1: still being processed" }],
  [{ kind: "throttled" }, 2, false, { action: "retry", delayMs: 20_000, detail: "attempt 2: rate limited by Daraja" }],
  [{ kind: "error", message: "ECONNREFUSED" }, 3, false, { action: "retry", delayMs: 40_000, detail: "attempt 3: ECONNREFUSED" }],
  [{ kind: "pending" }, 4, false, { action: "verdict", verdict: "unverifiable", detail: "no final answer from Daraja after 4 queries (last: still being processed)" }],
  [{ kind: "error", message: "HTTP 502" }, 2, true, { action: "verdict", verdict: "unverifiable", detail: "no final answer from Daraja after 2 queries (last: HTTP 502)" }],
] as const)("%j, attempt %d, expired %p", (answer, attempt, expired, expected) => {
  expect(decideConfirmation(answer, attempt, expired, policy)).toEqual(expected as never);
});

test("the backoff doubles up to its cap", () => {
  expect([1, 2, 3, 4, 5, 50].map((a) => retryDelayMs(a, policy))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
});
