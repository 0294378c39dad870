// A token bucket: at most `ratePerSecond` Daraja calls a second on average, `burst` at once; callers wait in order.

export interface RateLimiter {
  /** Resolves when the caller may make one call. */
  take(): Promise<void>;
}

export function createRateLimiter(o: { ratePerSecond: number; burst?: number; now?: () => number }): RateLimiter {
  if (!(o.ratePerSecond > 0)) throw new RangeError("the rate must be a positive number of calls per second");
  const now = o.now ?? (() => performance.now());
  const capacity = Math.max(1, o.burst ?? Math.ceil(o.ratePerSecond));
  const msPerToken = 1000 / o.ratePerSecond;
  let tokens = capacity;
  let last = now();
  let queue: Promise<void> = Promise.resolve(); // waiters are served one after the other, in arrival order

  function refill(): void {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - last) / msPerToken);
    last = t;
  }

  async function takeInTurn(): Promise<void> {
    refill();
    while (tokens < 1) {
      await Bun.sleep(Math.min(50, Math.max(1, Math.ceil((1 - tokens) * msPerToken)))); // short naps: re-read the clock
      refill();
    }
    tokens -= 1;
  }

  return {
    take() {
      const turn = queue.then(takeInTurn);
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
