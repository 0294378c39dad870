// The payment state machine: what one STK callback does to the stored payment it names (DESIGN.md promises 2 and 3).
import type { PaymentStatus } from "./payment.ts";
import type { StkCallback } from "./daraja/stk/parse-stk.ts";

/** The stored view of a payment that decisions need. `Pending` rows come from the original server's STK initiation. */
export interface StoredPayment {
  checkoutRequestId: string;
  status: PaymentStatus | "Pending";
  resultCode: string | null;
  receipt: string | null;
  amountCents: number | null;
  conflictCount: number;
  lastConflictCode?: string | null; // the code of the last conflicting callback (transactions.last_conflict_code)
}

export type Outcome =
  | "new" // first final word on this payment: stored
  | "updated" // an undetermined payment (Pending/Unknown) got a definite outcome
  | "duplicate" // the same outcome again: nothing changes
  | "late-success" // a success after a failure/timeout: kept as the new state, flagged, alerted
  | "conflict" // a different outcome after a final one: the stored state stays, the callback is flagged
  | "completed"; // the callback of a success recorded without its receipt (recovered by query): fills it in, no alert

export type Change =
  | { kind: "insert"; payment: StoredPayment }
  | { kind: "update"; payment: StoredPayment; supersededStatus: string | null }
  | { kind: "flag"; payment: StoredPayment; conflictCode: string }
  | { kind: "none" };

export interface Decision {
  outcome: Outcome;
  change: Change;
}

export function toStoredPayment(cb: StkCallback, conflictCount = 0): StoredPayment {
  return {
    checkoutRequestId: cb.checkoutRequestId, status: cb.status, resultCode: cb.resultCode,
    receipt: cb.receipt, amountCents: cb.amountCents, conflictCount,
  };
}

/** Decides what a callback does to the payment as stored now (undefined: never seen). */
export function decideCallback(current: StoredPayment | undefined, cb: StkCallback): Decision {
  if (current === undefined) return { outcome: "new", change: { kind: "insert", payment: toStoredPayment(cb) } };
  if (sameOutcome(current, cb)) return { outcome: "duplicate", change: { kind: "none" } };
  if (completes(current, cb)) {
    return { outcome: "completed", change: { kind: "update", payment: toStoredPayment(cb, current.conflictCount), supersededStatus: null } };
  }
  if (current.status === "Pending") {
    return { outcome: "new", change: { kind: "update", payment: toStoredPayment(cb, current.conflictCount), supersededStatus: null } };
  }
  if (current.status === "Unknown" && cb.status !== "Unknown") {
    const payment = toStoredPayment(cb, current.conflictCount);
    return { outcome: "updated", change: { kind: "update", payment, supersededStatus: "Unknown" } };
  }
  if (cb.status === "Success" && current.status !== "Success" && current.status !== "Unknown") {
    // Money moved after we were told it did not: the success is what the merchant must act on, but loudly.
    const payment = toStoredPayment(cb, current.conflictCount + 1);
    return { outcome: "late-success", change: { kind: "update", payment, supersededStatus: current.status } };
  }
  // A copy of the conflicting callback just flagged is a repeat, not another conflict (nor another alert). Not for a
  // second success: one with another amount or receipt must be seen, and the code alone cannot tell them apart.
  if (cb.resultCode !== "0" && current.lastConflictCode === cb.resultCode) return { outcome: "duplicate", change: { kind: "none" } };
  const payment = { ...current, conflictCount: current.conflictCount + 1, lastConflictCode: cb.resultCode };
  return { outcome: "conflict", change: { kind: "flag", payment, conflictCode: cb.resultCode } };
}

// A query's answer carries no receipt (SPEC §3): `reconcile` records such a success with the amount we asked for and
// no receipt. Its real callback, for that amount, is the same payment in full, not a second outcome.
function completes(current: StoredPayment, cb: StkCallback): boolean {
  const sameAmount = current.amountCents === null || current.amountCents === cb.amountCents;
  return current.status === "Success" && current.receipt === null && cb.status === "Success" && cb.receipt !== null && sameAmount;
}

function sameOutcome(current: StoredPayment, cb: StkCallback): boolean {
  // A failure carries no amount: the amount kept from the original request is not a difference.
  const sameAmount = cb.amountCents === null || current.amountCents === cb.amountCents;
  return current.resultCode === cb.resultCode && current.receipt === cb.receipt && sameAmount;
}
