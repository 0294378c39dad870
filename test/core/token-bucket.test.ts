// The token bucket against a test clock: bursts, the steady rate, tokens given back, waits, refused settings.
// (The rows of the outbox worker's former send pacer, 25/s with bursts of 10, are kept as they were.)
import { expect, test } from "bun:test";
import { TokenBucket } from "../../src/core/token-bucket.ts";

// [advance the clock by ms, want, granted]
test.each([
  ["a full burst at once, then nothing", 25, 10, [[0, 10, 10], [0, 10, 0]]],
  ["refills at the rate: 25/s gives 5 after 200 ms", 25, 10, [[0, 10, 10], [200, 10, 5]]],
  ["never more than the burst, however long it waited", 25, 10, [[0, 10, 10], [60_000, 50, 10]]],
  ["asks for fewer than allowed: gets what it asked", 25, 10, [[0, 3, 3], [0, 10, 7]]],
  ["a fraction of a token is not a token: 5/s after 199 ms, then 1 ms later", 5, 2, [[0, 2, 2], [199, 1, 0], [1, 1, 1]]],
  ["fractions add up across takes", 5, 2, [[0, 2, 2], [100, 1, 0], [100, 1, 1], [300, 5, 1]]],
  ["a rate below 1 a second", 0.5, 1, [[0, 1, 1], [1_999, 1, 0], [1, 1, 1]]],
  ["asking for nothing or less takes nothing", 25, 10, [[0, 0, 0], [0, -3, 0], [0, 10, 10]]],
] as const)("%s", (_, perSecond, burst, steps) => {
  let clock = 1_000_000;
  const bucket = new TokenBucket({ perSecond, burst, now: () => clock });
  for (const [advance, wanted, granted] of steps) {
    clock += advance;
    expect(bucket.take(wanted)).toBe(granted);
  }
});

test("waitMs says when the next token comes; giveBack returns unused ones, never past the burst", () => {
  let clock = 0;
  const bucket = new TokenBucket({ perSecond: 25, burst: 10, now: () => clock });
  expect(bucket.waitMs()).toBe(0);
  bucket.take(10);
  expect(bucket.waitMs()).toBe(40); // one send per 40 ms at 25/s
  bucket.giveBack(4);
  expect([bucket.waitMs(), bucket.take(10)]).toEqual([0, 4]);
  clock += 40;
  expect(bucket.take(10)).toBe(1);
  clock += 10;
  expect(bucket.waitMs()).toBe(30);
  bucket.giveBack(50);
  expect(bucket.take(50)).toBe(10);
});

test.each([
  ["a rate of 0", 0, 10],
  ["a negative rate", -1, 10],
  ["a rate that is not a number", Number.NaN, 10],
  ["a burst below 1", 25, 0.5],
  ["a burst that is not a number", 25, Number.NaN],
])("%s is refused, naming the values", (_, perSecond, burst) => {
  expect(() => new TokenBucket({ perSecond, burst })).toThrow(new RangeError(`a token bucket needs a rate above 0 a second and a burst of at least 1 (got ${perSecond}/s, burst ${burst})`));
});

test("the default clock is monotonic: a fresh bucket gives its burst, then waits", () => {
  const bucket = new TokenBucket({ perSecond: 1, burst: 3 });
  expect([bucket.take(5), bucket.take(1)]).toEqual([3, 0]);
  expect(bucket.waitMs()).toBeGreaterThan(0);
});
