// Exponential backoff (pure): base, 2×base, 4×base, … never past the maximum. Callers add their own jitter.

export interface Backoff {
  baseMs: number; // the delay after the first failure
  maxMs: number; // the delay never grows past this
}

/** The delay after failure number `attempt` (1 for the first). */
export function backoffMs(attempt: number, b: Backoff): number {
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1))); // capped exponent: no Infinity
}
