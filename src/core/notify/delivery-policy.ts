// Pure: what a send's result means for its outbox row — sent, tried again later (when), or failed for good.
import type { SendResult } from "./telegram.ts";
import { backoffMs } from "../backoff.ts";

export interface RetryPolicy {
  maxAttempts: number; // a row still failing after this many attempts is `failed` (it stays visible)
  baseDelayMs: number; // the first retry's delay; each further one doubles it
  maxDelayMs: number;
}

// 2 s doubling up to 10 min (times a random 0.5-1): 16 attempts ride out 40 to 75 minutes of Telegram outage.
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 16, baseDelayMs: 2_000, maxDelayMs: 600_000 });

export type Verdict =
  | { action: "sent"; messageId: number }
  | { action: "retry"; delayMs: number; rateLimited: boolean; error: string }
  | { action: "failed"; error: string };

/** `attempt` counts this one (1 for the first send); `random` in [0, 1) spreads retries of rows that failed together. */
export function decideDelivery(result: SendResult, attempt: number, policy: RetryPolicy, random: number = Math.random()): Verdict {
  if (result.ok) return { action: "sent", messageId: result.messageId };
  if (result.permanent) return { action: "failed", error: result.error };
  // Telegram's retry_after is an order, not a failure of ours: it does not count towards giving up.
  if (result.retryAfterMs !== null) return { action: "retry", delayMs: result.retryAfterMs, rateLimited: true, error: result.error };
  if (attempt >= policy.maxAttempts) return { action: "failed", error: `gave up after ${attempt} attempts; last: ${result.error}` };
  const exponential = backoffMs(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
  return { action: "retry", delayMs: Math.round(exponential * (0.5 + random / 2)), rateLimited: false, error: result.error };
}
