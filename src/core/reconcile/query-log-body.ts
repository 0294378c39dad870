// The callback_logs body `mpesa-cb reconcile` writes for an M-Pesa Express Query answer, and its reading back: the
// alert about that answer renders what Daraja said from it, as a callback's alert renders the callback.
import type { StkCallback } from "../daraja/stk/parse-stk.ts";
import { statusOfAnswer } from "./reconcile-decide.ts";

const SOURCE = "M-Pesa Express Query";

export function queryLogBody(checkoutRequestId: string, resultCode: string, resultDesc: string): string {
  return JSON.stringify({ source: SOURCE, CheckoutRequestID: checkoutRequestId, ResultCode: resultCode, ResultDesc: resultDesc });
}

/** The answer in a body queryLogBody wrote, in a callback's shape (no amount, receipt or phone: a query has none). */
export function readQueryLogBody(json: unknown): StkCallback | null {
  if (typeof json !== "object" || json === null) return null;
  const b = json as Record<string, unknown>;
  if (b.source !== SOURCE || typeof b.CheckoutRequestID !== "string" || typeof b.ResultCode !== "string") return null;
  return {
    merchantRequestId: null, checkoutRequestId: b.CheckoutRequestID, resultCode: b.ResultCode,
    resultDesc: typeof b.ResultDesc === "string" ? b.ResultDesc : "", status: statusOfAnswer(b.ResultCode) ?? "Unknown",
    amountCents: null, receipt: null, phone: null, transactionDate: null, balanceCents: null, warnings: [],
  };
}
