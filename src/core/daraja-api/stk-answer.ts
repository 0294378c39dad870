// What an M-Pesa Express Query answer means (SPEC.md §3), as a value: final, pending, throttled or error.
// Daraja sends codes as strings here, as numbers elsewhere: readText reads both, as it does for callbacks.
import { isObject, readText } from "../daraja/tolerant.ts";

export type StkQueryAnswer =
  | { kind: "final"; resultCode: string; resultDesc: string }
  | { kind: "pending" } // Daraja has no outcome yet: ask again later
  | { kind: "throttled" } // spike arrest or quota: ask again later, more slowly
  | { kind: "error"; message: string }; // no usable answer (HTTP error, bad body, network): ask again later

// Neither means failure: 500.001.1001 (with or without a message, even for known IDs) and ResultCode 4999.
const PENDING_ERROR_CODES = new Set(["500.001.1001"]);
const PENDING_RESULT_CODES = new Set(["4999"]);
const THROTTLE_ERROR_CODES = new Set(["500.003.02", "500.003.03"]); // Spike Arrest Violation, Quota Violation

/** Classifies one HTTP answer to a query for `checkoutRequestId`. Codes are compared as strings, never prose. */
export function classifyStkQuery(status: number, body: unknown, checkoutRequestId: string): StkQueryAnswer {
  const b = isObject(body) ? body : {};
  const errorCode = readText(b.errorCode);
  if (errorCode !== null && PENDING_ERROR_CODES.has(errorCode)) return { kind: "pending" };
  if ((errorCode !== null && THROTTLE_ERROR_CODES.has(errorCode)) || status === 429) return { kind: "throttled" };
  const resultCode = readText(b.ResultCode);
  if (status === 200 && resultCode !== null) {
    const echoed = readText(b.CheckoutRequestID);
    if (echoed !== null && echoed !== checkoutRequestId) return { kind: "error", message: `Daraja answered for another CheckoutRequestID (${echoed})` };
    if (PENDING_RESULT_CODES.has(resultCode)) return { kind: "pending" };
    return { kind: "final", resultCode, resultDesc: readText(b.ResultDesc) ?? "" };
  }
  const detail = [errorCode, readText(b.errorMessage) ?? readText(b.ResponseDescription)].filter((s) => s !== null && s !== "").join(" ");
  return { kind: "error", message: `Daraja answered HTTP ${status}${detail === "" ? "" : `: ${detail}`}` };
}
