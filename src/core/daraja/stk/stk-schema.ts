// The STK callback's shape (SPEC §2.1–2.3) as one ajv validator, and its errors in plain English with dotted paths.
import Ajv from "ajv";
import type { Problem } from "../../result.ts";
import { checkShape, NOT_BLANK } from "../schema-problems.ts";

/** checkout_request_id and merchant_request_id are VARCHAR(100) in the original server's tables. */
export const MAX_ID_LENGTH = 100;
/** result_code is VARCHAR(20): codes are kept as text because some are not numbers (`SFC_IC0003`). */
export const MAX_RESULT_CODE_LENGTH = 20;

// Every metadata item is optional and `{"Name":"Balance"}` comes without Value (SPEC §2.3).
const itemProperties = { Name: { type: "string" }, Value: { type: ["number", "string", "null"] } };

export const stkCallbackSchema = {
  type: "object",
  required: ["Body"],
  properties: {
    Body: {
      type: "object",
      required: ["stkCallback"],
      properties: {
        stkCallback: {
          type: "object",
          required: ["MerchantRequestID", "CheckoutRequestID", "ResultCode", "ResultDesc"],
          properties: {
            // Any scalar may come as a number where a string is usual, or the reverse (SPEC §10, §11).
            MerchantRequestID: { type: ["string", "number"], maxLength: MAX_ID_LENGTH },
            CheckoutRequestID: { type: ["string", "number"], pattern: NOT_BLANK, maxLength: MAX_ID_LENGTH },
            // A number in the callback, a string in the query and elsewhere (SPEC §2.3, top finding 5).
            ResultCode: {
              type: ["integer", "string"], pattern: NOT_BLANK, maxLength: MAX_RESULT_CODE_LENGTH,
              minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER,
            },
            ResultDesc: { type: ["string", "number"] },
            CallbackMetadata: {
              type: "object",
              properties: {
                // An array of items, or one bare item: `items` checks the first form, `properties` the second.
                Item: { type: ["array", "object"], items: { type: "object", required: ["Name"], properties: itemProperties }, required: ["Name"], properties: itemProperties },
              },
            },
          },
        },
      },
    },
  },
} as const;

// Compiled once at module load; `verbose` keeps the offending value so messages can say what came instead.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, verbose: true });
const validate = ajv.compile(stkCallbackSchema);

// Problems here do not stop a callback being identified: they become warnings (DESIGN.md promise 4).
const TOLERATED = ["Body.stkCallback.MerchantRequestID", "Body.stkCallback.ResultDesc", "Body.stkCallback.CallbackMetadata"];

/** Checks the shape; `problems` make the callback unidentifiable, `warnings` are tolerated. */
export function checkStkShape(body: unknown): { problems: Problem[]; warnings: Problem[] } {
  return checkShape(validate, body, TOLERATED, missingBodyHint);
}

// Safaricom's own PHP SDK once read stkCallback without Body (SPEC §10): say what is wrong, not just "missing".
function missingBodyHint(missing: string, body: unknown): string {
  return missing === "Body" && typeof body === "object" && body !== null && "stkCallback" in body
    ? ": stkCallback was found at the top level, but Daraja wraps it in Body ({\"Body\":{\"stkCallback\":{…}}})" : "";
}
