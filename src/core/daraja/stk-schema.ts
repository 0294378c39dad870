// The STK callback's shape (SPEC §2.1–2.3) as one ajv validator, and its errors in plain English with dotted paths.
import Ajv, { type ErrorObject } from "ajv";
import type { Problem } from "../result.ts";

/** checkout_request_id and merchant_request_id are VARCHAR(100) in the original server's tables. */
export const MAX_ID_LENGTH = 100;
/** result_code is VARCHAR(20): codes are kept as text because some are not numbers (`SFC_IC0003`). */
export const MAX_RESULT_CODE_LENGTH = 20;

// `\S`: an identifier made of nothing (or only blanks) identifies nothing.
const NOT_BLANK = "\\S";

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
            MerchantRequestID: { type: "string", maxLength: MAX_ID_LENGTH },
            CheckoutRequestID: { type: "string", pattern: NOT_BLANK, maxLength: MAX_ID_LENGTH },
            // A number in the callback, a string in the query and elsewhere (SPEC §2.3, top finding 5).
            ResultCode: {
              type: ["integer", "string"], pattern: NOT_BLANK, maxLength: MAX_RESULT_CODE_LENGTH,
              minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER,
            },
            ResultDesc: { type: "string" },
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
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  if (validate(body)) return { problems, warnings };
  for (const e of validate.errors ?? []) {
    const p = toProblem(e, body);
    (TOLERATED.some((t) => p.path === t || p.path.startsWith(`${t}.`) || p.path.startsWith(`${t}[`)) ? warnings : problems).push(p);
  }
  return { problems, warnings };
}

function toProblem(e: ErrorObject, body: unknown): Problem {
  const path = dottedPath(e.instancePath);
  if (e.keyword === "required") {
    const missing = String(e.params.missingProperty);
    const at = path === "(body)" ? missing : `${path}.${missing}`;
    // Safaricom's own PHP SDK once read stkCallback without Body (SPEC §10): say what is wrong, not just "missing".
    const hint = missing === "Body" && isObject(body) && "stkCallback" in body
      ? ": stkCallback was found at the top level, but Daraja wraps it in Body ({\"Body\":{\"stkCallback\":{…}}})" : "";
    return { path: at, message: `is required${hint}` };
  }
  return { path, message: describeError(e) };
}

function describeError(e: ErrorObject): string {
  switch (e.keyword) {
    case "type": return `must be ${typeList(e.params.type)}, got ${typeOf(e.data)}`;
    case "maxLength": return `must be at most ${e.params.limit} characters long, got ${String(e.data).length}`;
    case "pattern": return e.params.pattern === NOT_BLANK ? "must not be empty" : `must match ${e.params.pattern}`;
    case "minimum": case "maximum": return "is out of range";
    default: return e.message ?? "is invalid";
  }
}

/** `/Body/stkCallback/CallbackMetadata/Item/0/Value` → `Body.stkCallback.CallbackMetadata.Item[0].Value`. */
function dottedPath(pointer: string): string {
  if (pointer === "") return "(body)";
  const segments = pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

const TYPE_NAMES: Record<string, string> = { integer: "an integer", object: "an object", array: "an array", null: "null" };

function typeList(t: unknown): string {
  const names = String(t).split(",").map((n) => TYPE_NAMES[n] ?? `a ${n}`);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : String(names[0]);
}

/** What came instead: the value itself when short and harmless to echo, else its kind. */
function typeOf(v: unknown): string {
  if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
