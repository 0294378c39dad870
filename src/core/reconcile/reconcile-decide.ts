// Pure: what one M-Pesa Express Query answer does to a payment whose callback never came (the STK state rules, with
// the query as the source): record it, flag a conflict, find it already settled, or leave it unresolved.
import { STK_RESULT_STATUS, type PaymentStatus } from "../payment.ts";
import type { StoredPayment } from "../payment-state.ts";
import type { StkQueryAnswer } from "../daraja-api/stk-answer.ts";

export type ReconcileAction =
  // No final word stored (no row, Pending or Unknown): the answer becomes the outcome.
  | { kind: "record"; status: PaymentStatus; mode: "insert" | "update"; supersededStatus: string | null }
  // A final state is stored and the answer disagrees: the state stays, the row is flagged, the admin is told.
  | { kind: "conflict"; status: PaymentStatus; conflictCount: number }
  // A final state is stored (a callback came, perhaps while this sweep ran) and the answer agrees: nothing to do.
  | { kind: "already-final"; status: string }
  // Daraja gave no final, documented answer: nothing is recorded, the payment is asked about again next time.
  | { kind: "unresolved"; reason: "pending" | "throttled" | "error" | "undocumented"; detail: string };

const UNSETTLED = new Set(["Pending", "Unknown"]);

/** The status a final query answer names; undefined for a code the STK table does not document. */
export function statusOfAnswer(resultCode: string): PaymentStatus | undefined {
  // Own keys only: a code such as "constructor" must not find Object.prototype.
  return Object.hasOwn(STK_RESULT_STATUS, resultCode) ? STK_RESULT_STATUS[resultCode] : undefined;
}

export function decideQueryAnswer(current: StoredPayment | undefined, answer: StkQueryAnswer): ReconcileAction {
  if (answer.kind === "pending") return { kind: "unresolved", reason: "pending", detail: "Daraja says the request is still being processed" };
  if (answer.kind === "throttled") return { kind: "unresolved", reason: "throttled", detail: "Daraja refused the query for now (spike arrest or quota)" };
  if (answer.kind === "error") return { kind: "unresolved", reason: "error", detail: answer.message };
  const status = statusOfAnswer(answer.resultCode);
  if (status === undefined) {
    return { kind: "unresolved", reason: "undocumented", detail: `Daraja answered ResultCode ${answer.resultCode} (${answer.resultDesc}), not a documented STK code` };
  }
  if (current === undefined) return { kind: "record", status, mode: "insert", supersededStatus: null };
  if (UNSETTLED.has(current.status)) {
    return { kind: "record", status, mode: "update", supersededStatus: current.status === "Unknown" ? "Unknown" : null };
  }
  // A final state never moves on a query's word: the query carries no receipt or amount to weigh against it.
  if (current.status === status) return { kind: "already-final", status: current.status };
  return { kind: "conflict", status, conflictCount: current.conflictCount + 1 };
}
