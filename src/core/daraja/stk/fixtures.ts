// Sample STK callbacks embedded in the binary as exact bytes, each with the outcome a correct server gives it.
import type { PaymentStatus } from "../../payment.ts";
import cancelled1032 from "./fixtures/stk_cancelled_1032.json" with { type: "text" };
import emptyObject from "./fixtures/stk_empty_object.json" with { type: "text" };
import expired1019 from "./fixtures/stk_expired_1019.json" with { type: "text" };
import insufficient1 from "./fixtures/stk_insufficient_1.json" with { type: "text" };
import invalidJson from "./fixtures/stk_invalid_json.json" with { type: "text" };
import missingBody from "./fixtures/stk_missing_body.json" with { type: "text" };
import missingCheckoutRequestId from "./fixtures/stk_missing_checkout_request_id.json" with { type: "text" };
import nullBody from "./fixtures/stk_null_body.json" with { type: "text" };
import ruleLimited17 from "./fixtures/stk_rule_limited_17.json" with { type: "text" };
import success from "./fixtures/stk_success.json" with { type: "text" };
import successBalanceNoValue from "./fixtures/stk_success_balance_no_value.json" with { type: "text" };
import successMissingMetadata from "./fixtures/stk_success_missing_metadata.json" with { type: "text" };
import timeout1037 from "./fixtures/stk_timeout_1037.json" with { type: "text" };
import unknownResultCode from "./fixtures/stk_unknown_result_code.json" with { type: "text" };
import wrongPin2001 from "./fixtures/stk_wrong_pin_2001.json" with { type: "text" };

export interface StkFixtureExpectation {
  httpStatus: 200 | 400;
  status?: PaymentStatus;
  resultCode?: string;
  amountCents?: number | null;
  receipt?: string | null;
  phone?: string | null;
  transactionDateUtc?: string | null; // ISO 8601, UTC
  problemPaths?: string[]; // for 400: the path of every problem reported
}

export interface StkFixture {
  name: string; // the file name without .json
  body: string; // the file's exact text
  expected: StkFixtureExpectation;
}

// tsc types a JSON import as its parsed value; Bun hands over the text. Check it, so a lost
// `with { type: "text" }` fails at load instead of sending "[object Object]".
function text(v: unknown): string {
  if (typeof v !== "string") throw new TypeError("an STK fixture was not imported as text");
  return v;
}

// A callback without CallbackMetadata: Daraja sends metadata only on success (SPEC §2.2).
function noPayment(resultCode: string, status: PaymentStatus): StkFixtureExpectation {
  return { httpStatus: 200, status, resultCode, amountCents: null, receipt: null, phone: null, transactionDateUtc: null };
}

function rejected(...problemPaths: string[]): StkFixtureExpectation {
  return { httpStatus: 400, problemPaths };
}

// TransactionDate is Nairobi time (UTC+3): 20250115103112 is 07:31:12 UTC.
export const stkFixtures: readonly StkFixture[] = [
  { name: "stk_success", body: text(success), expected: {
    httpStatus: 200, status: "Success", resultCode: "0", amountCents: 150000, receipt: "FAKE0RCPT1",
    phone: "254700000001", transactionDateUtc: "2025-01-15T07:31:12.000Z" } },
  { name: "stk_success_balance_no_value", body: text(successBalanceNoValue), expected: {
    httpStatus: 200, status: "Success", resultCode: "0", amountCents: 100, receipt: "FAKE0RCPT2",
    phone: "254700000002", transactionDateUtc: "2025-01-15T07:32:21.000Z" } },
  // ResultCode 0 without metadata must not mark anything paid (SPEC §12).
  { name: "stk_success_missing_metadata", body: text(successMissingMetadata), expected: noPayment("0", "Unknown") },
  { name: "stk_cancelled_1032", body: text(cancelled1032), expected: noPayment("1032", "Cancelled") },
  { name: "stk_timeout_1037", body: text(timeout1037), expected: noPayment("1037", "Timeout") },
  { name: "stk_expired_1019", body: text(expired1019), expected: noPayment("1019", "Expired") },
  { name: "stk_insufficient_1", body: text(insufficient1), expected: noPayment("1", "Failed") },
  { name: "stk_rule_limited_17", body: text(ruleLimited17), expected: noPayment("17", "Failed") },
  { name: "stk_wrong_pin_2001", body: text(wrongPin2001), expected: noPayment("2001", "Failed") },
  // An unknown code is kept as sent and left for reconciliation, never guessed (SPEC §11).
  { name: "stk_unknown_result_code", body: text(unknownResultCode), expected: noPayment("7777", "Unknown") },
  { name: "stk_missing_body", body: text(missingBody), expected: rejected("Body") },
  { name: "stk_missing_checkout_request_id", body: text(missingCheckoutRequestId), expected: rejected("Body.stkCallback.CheckoutRequestID") },
  { name: "stk_null_body", body: text(nullBody), expected: rejected("Body") },
  { name: "stk_empty_object", body: text(emptyObject), expected: rejected("Body") },
  { name: "stk_invalid_json", body: text(invalidJson), expected: rejected("(body)") },
];
