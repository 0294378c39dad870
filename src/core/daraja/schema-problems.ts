// Every family's shape check: an ajv validator's errors as problems in plain English with dotted paths, split into
// problems (the callback cannot be identified) and warnings (tolerated, DESIGN.md promise 4).
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Problem } from "../result.ts";

// `\S`: an identifier made of nothing (or only blanks) identifies nothing.
export const NOT_BLANK = "\\S";

export interface ShapeCheck {
  problems: Problem[];
  warnings: Problem[];
}

/** `tolerated`: paths whose problems are warnings; `hint`: more words for a missing property, where one helps. */
export function checkShape(validate: ValidateFunction, body: unknown, tolerated: readonly string[], hint?: (missing: string, body: unknown) => string): ShapeCheck {
  const check: ShapeCheck = { problems: [], warnings: [] };
  if (validate(body)) return check;
  for (const e of validate.errors ?? []) {
    const p = toProblem(e, body, hint);
    (tolerated.some((t) => p.path === t || p.path.startsWith(`${t}.`) || p.path.startsWith(`${t}[`)) ? check.warnings : check.problems).push(p);
  }
  return check;
}

function toProblem(e: ErrorObject, body: unknown, hint?: (missing: string, body: unknown) => string): Problem {
  const path = dottedPath(e.instancePath);
  if (e.keyword === "required") {
    const missing = String(e.params.missingProperty);
    const at = path === "(body)" ? missing : `${path}.${missing}`;
    return { path: at, message: `is required${hint?.(missing, body) ?? ""}` };
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
