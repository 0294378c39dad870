// What to do with Daraja's answer for a success: set its verdict now, or ask again later (pure).
import type { StkQueryAnswer } from "../daraja-api/stk-answer.ts";
import { backoffMs } from "../backoff.ts";

export interface ConfirmPolicy {
  retryBaseMs: number; // delay after the first non-final answer; doubles after each
  retryMaxMs: number; // the delay never grows past this
  maxAttempts: number; // queries without a final answer before the verdict is `unverifiable`
}

export type ConfirmDecision =
  | { action: "verdict"; verdict: "verified" | "mismatch" | "unverifiable"; detail: string }
  | { action: "retry"; delayMs: number; detail: string };

/** `attempt` counts this query (1 for the first); `expired` says the confirmation's time limit has passed. */
export function decideConfirmation(answer: StkQueryAnswer, attempt: number, expired: boolean, p: ConfirmPolicy): ConfirmDecision {
  if (answer.kind === "final") {
    // Success is ResultCode "0" only; any other final code contradicts the callback that claimed success.
    if (answer.resultCode === "0") return { action: "verdict", verdict: "verified", detail: "Daraja ResultCode 0" };
    return { action: "verdict", verdict: "mismatch", detail: `Daraja ResultCode ${answer.resultCode}: ${answer.resultDesc}` };
  }
  const last = describeAnswer(answer);
  if (attempt >= p.maxAttempts || expired) {
    return { action: "verdict", verdict: "unverifiable", detail: `no final answer from Daraja after ${attempt} queries (last: ${last})` };
  }
  return { action: "retry", delayMs: retryDelayMs(attempt, p), detail: `attempt ${attempt}: ${last}` };
}

/** The delay before the next query: base, 2×base, 4×base, … up to the maximum. */
export function retryDelayMs(attempt: number, p: Pick<ConfirmPolicy, "retryBaseMs" | "retryMaxMs">): number {
  return backoffMs(attempt, { baseMs: p.retryBaseMs, maxMs: p.retryMaxMs });
}

function describeAnswer(answer: Exclude<StkQueryAnswer, { kind: "final" }>): string {
  if (answer.kind === "pending") return "still being processed";
  if (answer.kind === "throttled") return "rate limited by Daraja";
  return answer.message;
}
