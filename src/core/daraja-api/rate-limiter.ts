// At most `ratePerSecond` Daraja calls a second on average, `burst` at once (a token bucket); callers wait in order.
import { TokenBucket } from "../token-bucket.ts";

export interface RateLimiter {
  /** Resolves when the caller may make one call. */
  take(): Promise<void>;
}

export function createRateLimiter(o: { ratePerSecond: number; burst?: number; now?: () => number }): RateLimiter {
  const bucket = new TokenBucket({ perSecond: o.ratePerSecond, burst: Math.max(1, o.burst ?? Math.ceil(o.ratePerSecond)), now: o.now });
  let queue: Promise<void> = Promise.resolve(); // waiters are served one after the other, in arrival order

  async function takeInTurn(): Promise<void> {
    while (bucket.take(1) === 0) await Bun.sleep(Math.min(50, Math.max(1, bucket.waitMs()))); // short naps: re-read the clock
  }

  return {
    take() {
      const turn = queue.then(takeInTurn);
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
