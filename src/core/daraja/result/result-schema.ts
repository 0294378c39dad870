// The common Result envelope (SPEC §5) and the queue-timeout request echo (SPEC §6.1) as ajv validators. Only a body
// that is not an object, or has no Result object, is a problem here; every field inside is read when it can be.
import Ajv from "ajv";
import type { Problem } from "../../result.ts";
import { checkShape } from "../schema-problems.ts";
import { MAX_ID_LENGTH, MAX_RESULT_CODE_LENGTH } from "../stk/stk-schema.ts";

/** ResultType is 0 (completed) or 1 (waiting for further messages), SPEC §5. */
export const MAX_RESULT_TYPE_LENGTH = 10;
/** An M-Pesa receipt is 10 characters; daraja_results.transaction_id holds 30, as the STK receipt column does. */
export const MAX_TRANSACTION_ID_LENGTH = 30;

// Any scalar may come as a number or a string (SPEC §5): ResultType "0" or 0, ResultCode 2001 or "R000002".
const scalar = { type: ["string", "number"] } as const;
const id = { type: ["string", "number"], maxLength: MAX_ID_LENGTH } as const;
// An item may lack Value ({"Key":"TransactionReason"}); normaliseBody has made a lone item a list of one.
const keyValueList = { type: "array", items: { type: "object", required: ["Key"], properties: { Key: scalar, Value: { type: ["string", "number", "null"] } } } } as const;
// OriginatorCoversationID: a typo Daraja's own samples carry (SPEC §10).
const ids = { OriginatorConversationID: id, OriginatorCoversationID: id, ConversationID: id } as const;

export const resultSchema = {
  type: "object",
  required: ["Result"],
  properties: {
    Result: {
      type: "object",
      properties: {
        ResultType: { ...scalar, maxLength: MAX_RESULT_TYPE_LENGTH }, ResultCode: { ...scalar, maxLength: MAX_RESULT_CODE_LENGTH }, ResultDesc: scalar, ...ids, TransactionID: { ...scalar, maxLength: MAX_TRANSACTION_ID_LENGTH },
        ResultParameters: { type: "object", properties: { ResultParameter: keyValueList } },
        ReferenceData: { type: "object", properties: { ReferenceItem: keyValueList } },
      },
    },
  },
} as const;

export const timeoutEchoSchema = { type: "object", properties: ids } as const;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, verbose: true });
const validateResult = ajv.compile(resultSchema);
const validateEcho = ajv.compile(timeoutEchoSchema);

const TOLERATED = Object.keys(resultSchema.properties.Result.properties).map((k) => `Result.${k}`);

export function checkResultShape(body: unknown): { problems: Problem[]; warnings: Problem[] } {
  return checkShape(validateResult, body, TOLERATED, missingResultHint);
}

export function checkTimeoutEchoShape(body: unknown): { problems: Problem[]; warnings: Problem[] } {
  return checkShape(validateEcho, body, Object.keys(ids));
}

// Say what is wrong, not just "missing": the envelope's fields at the top level, or a request echo on the result route.
function missingResultHint(missing: string, body: unknown): string {
  if (missing !== "Result" || typeof body !== "object" || body === null) return "";
  if ("SecurityCredential" in body || "CommandID" in body) return ": this looks like a queue-timeout echo of the request; its route is /timeouts/<api>";
  if ("ResultCode" in body || "ConversationID" in body) return ": ResultCode and the IDs were found at the top level, but Daraja wraps them in Result ({\"Result\":{…}})";
  return "";
}
