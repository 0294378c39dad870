// A token bucket (pure but for its injectable clock): `perSecond` tokens a second on average, bursts of up to `burst`.
// The outbox worker paces Telegram sends with it, the Daraja rate limiter its queries.

export interface TokenBucketOptions {
  perSecond: number;
  burst: number; // the most tokens it holds: also what a full bucket lets through at once
  now?: () => number; // milliseconds; monotonic by default, so that a wall-clock step neither floods nor stalls
}

export class TokenBucket {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(o: TokenBucketOptions) {
    if (!(o.perSecond > 0) || !(o.burst >= 1)) {
      throw new RangeError(`a token bucket needs a rate above 0 a second and a burst of at least 1 (got ${o.perSecond}/s, burst ${o.burst})`);
    }
    this.#perSecond = o.perSecond;
    this.#burst = o.burst;
    this.#now = o.now ?? (() => performance.now());
    this.#tokens = o.burst;
    this.#at = this.#now();
  }

  /** How many tokens may be taken now, at most `wanted`; they are counted as taken. */
  take(wanted: number): number {
    this.#refill();
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.#tokens)));
    this.#tokens -= granted;
    return granted;
  }

  /** Gives back tokens taken but not used (fewer rows were due than were allowed). */
  giveBack(count: number): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + count);
  }

  /** Milliseconds until the next token (0: one is there now). */
  waitMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.#perSecond) * 1000);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#perSecond);
    this.#at = now;
  }
}
