// What an M-Pesa Express Query answer means (SPEC.md §3), as a value: final, pending, throttled or error.

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
  const errorCode = text(b.errorCode);
  if (errorCode !== null && PENDING_ERROR_CODES.has(errorCode)) return { kind: "pending" };
  if ((errorCode !== null && THROTTLE_ERROR_CODES.has(errorCode)) || status === 429) return { kind: "throttled" };
  const resultCode = text(b.ResultCode);
  if (status === 200 && resultCode !== null) {
    const echoed = text(b.CheckoutRequestID);
    if (echoed !== null && echoed !== checkoutRequestId) return { kind: "error", message: `Daraja answered for another CheckoutRequestID (${echoed})` };
    if (PENDING_RESULT_CODES.has(resultCode)) return { kind: "pending" };
    return { kind: "final", resultCode, resultDesc: text(b.ResultDesc) ?? "" };
  }
  const detail = [errorCode, text(b.errorMessage) ?? text(b.ResponseDescription)].filter((s) => s !== null && s !== "").join(" ");
  return { kind: "error", message: `Daraja answered HTTP ${status}${detail === "" ? "" : `: ${detail}`}` };
}

// Daraja sends codes as strings here, as numbers elsewhere: read both.
function text(v: unknown): string | null {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
