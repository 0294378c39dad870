// The words simulate prints: one line per scenario, the load summary, the live progress line. Pure text, no colour.
import type { LoadProgress } from "./load.ts";
import type { LoadSummary } from "./load-stats.ts";
import type { ScenarioResult } from "./runner.ts";
import type { Scenario } from "./scenario.ts";

/** `PASS success (12 ms): stored and acknowledged ws_CO_SIM…`: grep-able words, since a log file has no colour. */
export function resultLine(r: ScenarioResult, width: number): string {
  return `${r.passed ? "PASS" : "FAIL"} ${r.name.padEnd(width)} ${`(${r.ms} ms)`.padStart(10)}  ${r.detail}`;
}

export function listLines(scenarios: readonly Scenario[]): string[] {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return scenarios.map((s) => `${s.name.padEnd(width)}  ${s.smoke ? "[smoke] " : "        "}${s.description}`);
}

export function progressLine(p: LoadProgress): string {
  const seconds = (p.elapsedMs / 1000).toFixed(1);
  const rate = p.elapsedMs > 0 ? Math.round((p.acknowledged * 1000) / p.elapsedMs) : 0;
  return `${seconds} s  sent ${p.sent}  acknowledged ${p.acknowledged}  in flight ${p.inFlight}  ~${rate}/s`;
}

export function loadSummaryLines(s: LoadSummary & { firstProblem?: string }): string[] {
  const lines = [
    `sent ${s.sent}, acknowledged ${s.acknowledged}, errors ${s.errors} (in ${(s.elapsedMs / 1000).toFixed(1)} s)`,
    `achieved ${s.achievedRate}/s (target ${s.targetRate}/s)`,
    s.latencyMs === null
      ? "latency: no answers"
      : `latency p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms`,
  ];
  const kinds = Object.entries(s.errorKinds);
  if (kinds.length > 0) lines.push(`errors: ${kinds.map(([why, n]) => `${n}× ${why}`).join("; ")}`);
  if (s.firstProblem !== undefined) lines.push(`first error: ${s.firstProblem}`);
  return lines;
}
