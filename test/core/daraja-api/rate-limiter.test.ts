// The token bucket, on a clock the test moves: a burst passes at once, the next call waits until time has passed.
import { expect, test } from "bun:test";
import { createRateLimiter } from "../../../src/core/daraja-api/rate-limiter.ts";

test("a burst passes, then calls wait for the clock; they are served in order", async () => {
  let now = 0;
  const limiter = createRateLimiter({ ratePerSecond: 5, burst: 2, now: () => now });
  await limiter.take();
  await limiter.take();
  const order: number[] = [];
  const third = limiter.take().then(() => order.push(3));
  const fourth = limiter.take().then(() => order.push(4));
  await Bun.sleep(30); // the clock stands still: no token can appear
  expect(order).toEqual([]);
  now += 200; // one token at 5/s
  await third;
  await Bun.sleep(30);
  expect(order).toEqual([3]);
  now += 200;
  await fourth;
  expect(order).toEqual([3, 4]);
});

test("a bucket holds no more than its burst after a long idle time", async () => {
  let now = 0;
  const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, now: () => now });
  now += 60_000;
  await limiter.take();
  let passed = false;
  const next = limiter.take().then(() => (passed = true));
  await Bun.sleep(30);
  expect(passed).toBe(false);
  now += 1_000;
  await next;
  expect(passed).toBe(true);
});

test("a rate that is not positive is refused", () => {
  expect(() => createRateLimiter({ ratePerSecond: 0 })).toThrow(RangeError);
});
