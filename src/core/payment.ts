// What an STK ResultCode means for the payment (SPEC §2.4): a table, so a new code is one line, not a branch.

export type PaymentStatus = "Success" | "Failed" | "Cancelled" | "Timeout" | "Expired" | "Unknown";

/**
 * Documented STK callback codes (SPEC §2.4, official table plus the codes reported outside it).
 * Codes are strings because Daraja also sends non-numeric ones (`SFC_IC0003`).
 * A code missing here is "Unknown": it needs reconciliation, never a guess (SPEC §11).
 */
export const STK_RESULT_STATUS: Readonly<Record<string, PaymentStatus>> = Object.freeze({
  "0": "Success",
  "1032": "Cancelled", // customer cancelled the prompt
  "1037": "Timeout", // phone unreachable or the customer did not answer
  "1019": "Expired", // not processed within the allowed time
  "1": "Failed", // insufficient balance
  "2": "Failed", // below the minimum amount
  "3": "Failed", // above the maximum amount
  "4": "Failed", // customer daily limit
  "8": "Failed", // till/paybill maximum balance
  "17": "Failed", // same amount to same customer within 2 minutes
  "26": "Failed", // system busy (SDK/3P)
  "1001": "Failed", // subscriber locked by another transaction
  "1025": "Failed", // error sending the push (prompt too long)
  "1031": "Failed", // reported by one SDK only (SPEC: uncertain)
  "1036": "Failed", // SMSC ACK timeout (SDK only, SPEC: uncertain)
  "2001": "Failed", // wrong M-PESA PIN
  "2028": "Failed", // not permitted by product assignment
  "8006": "Failed", // security credential locked
  "9999": "Failed", // error sending the push (3P)
  SFC_IC0003: "Failed", // operator does not exist
});

/**
 * The status a callback with this ResultCode records. A success counts only when the callback
 * carries the payment itself (amount and receipt): Daraja callbacks are unauthenticated and
 * "0" without metadata must not mark anything paid (SPEC §2.3, §11).
 */
export function statusForResultCode(code: string, hasUsablePaymentData: boolean): PaymentStatus {
  // Own keys only: a code such as "constructor" must not find Object.prototype.
  const status = Object.hasOwn(STK_RESULT_STATUS, code) ? STK_RESULT_STATUS[code] : undefined;
  if (status === undefined) return "Unknown";
  if (status === "Success" && !hasUsablePaymentData) return "Unknown";
  return status;
}
