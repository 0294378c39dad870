// The one backoff: doubles from its base up to its cap, whatever the attempt number.
import { expect, test } from "bun:test";
import { backoffMs } from "../../src/core/backoff.ts";

test.each([
  ["the confirmer's (10 s up to 1 min)", { baseMs: 10_000, maxMs: 60_000 }, [1, 2, 3, 4, 5, 50], [10_000, 20_000, 40_000, 60_000, 60_000, 60_000]],
  ["the outbox's (1 s up to 6 s)", { baseMs: 1_000, maxMs: 6_000 }, [1, 2, 3, 4], [1_000, 2_000, 4_000, 6_000]],
  ["an attempt of 0 or below counts as the first", { baseMs: 200, maxMs: 5_000 }, [0, -4, 1], [200, 200, 200]],
  ["a huge attempt number stays at the cap, never Infinity or NaN", { baseMs: 2, maxMs: 50 }, [1, 5, 6, 1_000, 1e9], [2, 32, 50, 50, 50]],
  ["a cap below the base: the cap", { baseMs: 100, maxMs: 30 }, [1, 2], [30, 30]],
] as const)("%s", (_, backoff, attempts, delays) => {
  expect(attempts.map((a) => backoffMs(a, backoff))).toEqual([...delays]);
});
