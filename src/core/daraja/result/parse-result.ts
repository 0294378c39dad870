// Result-family callbacks (B2C, B2B, transaction status, account balance, reversal; SPEC §5–§9) and their queue
// timeouts (§6.1): JSON → validated shape → one record (cents, UTC, every parameter by key), tolerant of Daraja's
// variations. A result is identified by its OriginatorConversationID, or its ConversationID where that is all it has.
import { fail, ok, type Problem, type Result } from "../../result.ts";
import { isObject, normaliseBody } from "../tolerant.ts";
import { readKeyValues } from "./key-values.ts";
import { readResultFields, type ResultFields } from "./result-fields.ts";
import { statusForResult, type ResultApi, type ResultStatus } from "./result-codes.ts";
import { checkResultShape, checkTimeoutEchoShape, MAX_RESULT_TYPE_LENGTH, MAX_TRANSACTION_ID_LENGTH } from "./result-schema.ts";
import { isSecretKey } from "./redact.ts";
import { readTimeoutEcho } from "./read-echo.ts";
import { boundedText, readCode, readIds, readResultDesc, unidentified, type ResultIds } from "./result-text.ts";

export type { ResultApi, ResultStatus } from "./result-codes.ts";

export interface DarajaResult extends ResultFields, ResultIds {
  api: ResultApi;
  kind: "result" | "timeout"; // which URL Daraja called: the ResultURL or the QueueTimeOutURL
  transactionId: string | null; // the receipt; a placeholder such as "FAKE000000" on many failures (SPEC §5)
  resultType: string | null;
  resultCode: string | null; // as text: "0", "2001", "R000002"; null on a timeout that echoes the request
  resultDesc: string | null;
  status: ResultStatus;
  parameters: Record<string, string>; // every ResultParameter by key; a request echo's own fields; no secrets
  referenceData: Record<string, string>;
  warnings: Problem[];
}

const R = "Result";

/** Reads a body sent to the ResultURL; rejects only what has no Result envelope or cannot be identified. */
export function parseResult(api: ResultApi, sent: unknown): Result<DarajaResult> {
  const body = normaliseBody(sent);
  const shape = checkResultShape(body);
  if (shape.problems.length > 0) return fail(shape.problems);
  return readEnvelope(api, "result", (body as { Result: Record<string, unknown> }).Result, [...shape.warnings]);
}

/** Reads a body sent to the QueueTimeOutURL: a Result envelope, or an echo of the original request (SPEC §6.1). */
export function parseTimeout(api: ResultApi, sent: unknown): Result<DarajaResult> {
  const body = normaliseBody(sent);
  if (isObject(body) && isObject(body.Result)) {
    const shape = checkResultShape(body);
    // SPEC §6.1: the ids are taken from Result, or from the top level.
    return readEnvelope(api, "timeout", body.Result as Record<string, unknown>, [...shape.warnings], body);
  }
  const shape = checkTimeoutEchoShape(body);
  if (shape.problems.length > 0) return fail(shape.problems);
  return readTimeoutEcho(api, body as Record<string, unknown>, [...shape.warnings]);
}

/**
 * The idempotency key: the OriginatorConversationID, else the ConversationID (a parsed record has one of them). The
 * originator's id comes first because a queue timeout that echoes the request carries nothing else, and the result
 * that follows it must find the same row; it is also what the business's own request (b2c_requests) holds.
 */
export function resultKey(r: Pick<DarajaResult, "conversationId" | "originatorConversationId">): string {
  const key = r.originatorConversationId ?? r.conversationId;
  if (key === null) throw new Error("a Result record without a ConversationID or an OriginatorConversationID");
  return key;
}

function readEnvelope(api: ResultApi, kind: DarajaResult["kind"], r: Record<string, unknown>, warnings: Problem[], outer?: Record<string, unknown>): Result<DarajaResult> {
  const ids = readIds(r) ?? (outer === undefined ? null : readIds(outer));
  if (ids === null) return fail([unidentified(`${R}.`)]);
  const params = readKeyValues(isObject(r.ResultParameters) ? r.ResultParameters.ResultParameter : undefined, `${R}.ResultParameters.ResultParameter`, warnings);
  const reference = readKeyValues(isObject(r.ReferenceData) ? r.ReferenceData.ReferenceItem : undefined, `${R}.ReferenceData.ReferenceItem`, warnings);
  const resultCode = readCode(r.ResultCode); // map on the code, never on ResultDesc (SPEC top finding 6)
  const status = kind === "timeout" ? "Timeout" : statusForResult(api, resultCode);
  warnings.push(...statusWarnings(api, kind, resultCode, status));
  const fields = readResultFields(api, params, warnings);
  if (status === "Success" && (api === "b2c" || api === "b2b" || api === "reversal") && fields.amountCents === null) {
    warnings.push({ path: `${R}.ResultParameters`, message: `has no usable amount on a success (ResultCode 0): the ${api} record has no amount, compare it with your request` });
  }
  return ok({
    api, kind, ...ids, transactionId: boundedText(r.TransactionID, MAX_TRANSACTION_ID_LENGTH), resultType: boundedText(r.ResultType, MAX_RESULT_TYPE_LENGTH), resultCode,
    resultDesc: readResultDesc(r.ResultDesc, `${R}.ResultDesc`, warnings), status, ...fields,
    parameters: withoutSecrets(params.values), referenceData: withoutSecrets(reference.values), warnings,
  });
}

function statusWarnings(api: ResultApi, kind: DarajaResult["kind"], code: string | null, status: ResultStatus): Problem[] {
  const path = `${R}.ResultCode`;
  if (code === null && kind === "result") return [{ path, message: "gives no usable code: recorded as Unknown, to be reconciled with a transaction status query" }];
  if (code === "0" && kind === "timeout") return [{ path, message: "is 0 on a queue timeout: recorded as Timeout; confirm with a transaction status query before paying again" }];
  if (code !== null && status === "Unknown") return [{ path, message: `${JSON.stringify(code)} is not a documented ${api} result code: recorded as Unknown, to be reconciled` }];
  return [];
}

function withoutSecrets(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !isSecretKey(k)));
}
