// The confirmer's settings and their defaults: Daraja credentials from the config, timing from options.
import type { DarajaCredentials } from "../daraja-api/stk-query.ts";

export interface ConfirmerConfig extends DarajaCredentials {
  ratePerSecond?: number; // Daraja queries per second (MPESA_CB_CONFIRM_RATE), default 5
  timeoutMs?: number; // per phase of one HTTP request, default 10 s
}

export interface VerdictEvent {
  id: number; // transactions.id
  checkoutRequestId: string;
  verdict: "verified" | "mismatch" | "unverifiable";
  detail: string;
}

export interface ConfirmOptions {
  firstDelayMs: number; // first query not before this long after the callback was stored (SPEC.md §3: ≥ 15 s)
  retryBaseMs: number; // then backoff: base, 2×, 4×, … capped at retryMaxMs
  retryMaxMs: number;
  maxAttempts: number; // queries without a final answer before `unverifiable`
  maxAgeMs: number; // or this long after the callback, whichever comes first
  leaseMs: number; // a claimed row is not queried by another process for this long (must outlast one query)
  pollMs: number; // how often an idle worker looks for due rows
  batchSize: number; // rows claimed per pass (queried concurrently, paced by the rate limiter)
  loop: boolean; // false: only runOnce() works (tests)
  onVerdict?: (v: VerdictEvent) => void | Promise<void>; // after a verdict is recorded, e.g. to queue the receipt
}

export interface ConfirmLogger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const CONFIRM_DEFAULTS: ConfirmOptions = {
  firstDelayMs: 15_000, retryBaseMs: 10_000, retryMaxMs: 300_000, maxAttempts: 10, maxAgeMs: 3_600_000,
  leaseMs: 120_000, pollMs: 1_000, batchSize: 10, loop: true,
};

export function confirmOptions(o: Partial<ConfirmOptions> = {}): ConfirmOptions {
  const merged = { ...CONFIRM_DEFAULTS, ...o };
  if (merged.maxAttempts < 1) throw new RangeError("maxAttempts must be at least 1");
  return merged;
}
