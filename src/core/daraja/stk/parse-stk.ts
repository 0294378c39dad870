// STK callback: JSON text → validated shape → domain record (cents, UTC, phone as text), tolerant of Daraja's variations.
import { fail, ok, type Problem, type Result } from "../../result.ts";
import { statusForResultCode, type PaymentStatus } from "../../payment.ts";
import { checkStkShape, MAX_ID_LENGTH } from "./stk-schema.ts";
import { readStkMetadata, type StkMetadata } from "./stk-metadata.ts";
import { normaliseBody, readText } from "../tolerant.ts";

export interface StkCallback {
  merchantRequestId: string | null;
  checkoutRequestId: string;
  resultCode: string;
  resultDesc: string;
  status: PaymentStatus;
  amountCents: number | null;
  receipt: string | null;
  phone: string | null;
  transactionDate: Date | null;
  balanceCents: number | null;
  warnings: Problem[]; // tolerated oddities, e.g. an Amount that is not a number on a success
}

/** result_desc is VARCHAR(255); the raw body in callback_logs keeps the whole text. */
export const MAX_RESULT_DESC_LENGTH = 255;
const CB = "Body.stkCallback";

/** Reads an STK callback; rejects only what cannot be identified, with every problem and its path. */
export function parseStkCallback(sent: unknown): Result<StkCallback> {
  const body = normaliseBody(sent);
  const shape = checkStkShape(body);
  if (shape.problems.length > 0) return fail(shape.problems);
  // No problems: Body.stkCallback is an object, CheckoutRequestID and ResultCode a number or a string.
  const cb = (body as { Body: { stkCallback: Record<string, unknown> } }).Body.stkCallback;
  const warnings = [...shape.warnings];
  const resultCode = String(cb.ResultCode).trim(); // Map on the code, never on ResultDesc (SPEC top finding 6)
  const meta = readStkMetadata(cb.CallbackMetadata, `${CB}.CallbackMetadata`, warnings);
  const status = statusForResultCode(resultCode, isUsablePayment(meta));
  if (resultCode === "0" && status !== "Success") warnings.push(unpaidSuccess(cb.CallbackMetadata === undefined, meta));
  if (resultCode !== "0" && status === "Unknown") {
    warnings.push({ path: `${CB}.ResultCode`, message: `${JSON.stringify(resultCode)} is not a documented STK result code: recorded as Unknown, to be reconciled` });
  }
  return ok({
    merchantRequestId: readMerchantRequestId(cb.MerchantRequestID),
    checkoutRequestId: String(readText(cb.CheckoutRequestID)),
    resultCode,
    resultDesc: readResultDesc(cb.ResultDesc, warnings),
    status,
    ...meta,
    warnings,
  });
}

// A success is a payment only with its amount and receipt: callbacks are unauthenticated (SPEC top finding 1),
// and Daraja's minimum payment is Ksh 1 (code 2), so 0 is not a payment either.
function isUsablePayment(meta: StkMetadata): boolean {
  return meta.amountCents !== null && meta.amountCents > 0 && meta.receipt !== null;
}

function unpaidSuccess(noMetadata: boolean, meta: StkMetadata): Problem {
  const path = `${CB}.CallbackMetadata`;
  if (noMetadata) return { path, message: "is missing on a success (ResultCode 0): recorded as Unknown, not as paid" };
  const lacking = [meta.amountCents === null || meta.amountCents <= 0 ? "Amount" : "", meta.receipt === null ? "MpesaReceiptNumber" : ""];
  return { path, message: `has no usable ${lacking.filter(Boolean).join(" or ")} on a success (ResultCode 0): recorded as Unknown, not as paid` };
}

function readMerchantRequestId(v: unknown): string | null {
  const id = readText(v);
  return id !== null && id !== "" && id.length <= MAX_ID_LENGTH ? id : null;
}

function readResultDesc(sent: unknown, warnings: Problem[]): string {
  const v = typeof sent === "number" ? String(sent) : sent;
  if (typeof v !== "string") return ""; // the shape check already warned
  if (v.length <= MAX_RESULT_DESC_LENGTH) return v;
  // Count characters, not UTF-16 units, as VARCHAR does; never cut an emoji in half.
  const chars = Array.from(v);
  if (chars.length <= MAX_RESULT_DESC_LENGTH) return v;
  warnings.push({ path: `${CB}.ResultDesc`, message: `is ${chars.length} characters long; kept the first ${MAX_RESULT_DESC_LENGTH} (the raw body keeps it whole)` });
  return chars.slice(0, MAX_RESULT_DESC_LENGTH).join("");
}
