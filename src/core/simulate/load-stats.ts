// Load-run arithmetic: tallies while running, then the rates and latency percentiles of the summary.

export interface LoadTally {
  sent: number;
  acknowledged: number; // 200 with ResultCode 0 and our CheckoutRequestID
  failures: Map<string, number>; // why, e.g. "HTTP 503", "not an acknowledgement", "no answer within 10000 ms"
  latenciesMs: number[]; // every answered request, acknowledged or not
}

export interface LoadSummary {
  targetRate: number;
  durationMs: number; // how long requests were being sent
  elapsedMs: number; // including waiting for the last answers
  sent: number;
  acknowledged: number;
  errors: number;
  errorKinds: Record<string, number>;
  achievedRate: number; // acknowledged per second of sending
  latencyMs: { p50: number; p95: number; p99: number; max: number } | null; // null: nothing answered
}

export function newTally(): LoadTally {
  return { sent: 0, acknowledged: 0, failures: new Map(), latenciesMs: [] };
}

export function countFailure(tally: LoadTally, why: string): void {
  tally.failures.set(why, (tally.failures.get(why) ?? 0) + 1);
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export function summarise(tally: LoadTally, targetRate: number, durationMs: number, elapsedMs: number): LoadSummary {
  const sorted = Float64Array.from(tally.latenciesMs).sort();
  const round = (v: number) => Math.round(v * 100) / 100;
  const errors = tally.sent - tally.acknowledged;
  return {
    targetRate, durationMs: Math.round(durationMs), elapsedMs: Math.round(elapsedMs),
    sent: tally.sent, acknowledged: tally.acknowledged, errors,
    errorKinds: Object.fromEntries(tally.failures),
    achievedRate: durationMs > 0 ? round((tally.acknowledged * 1000) / durationMs) : 0,
    latencyMs: sorted.length === 0 ? null : {
      p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? 0),
    },
  };
}
