// Daraja's documented variations (SPEC §10–§11), undone once before any family reads a body: keys with stray spaces
// ("Conversation ID"), one object where a list is usual, a list of one where one value is usual.
const LISTS = new Set(["Item", "ResultParameter", "ReferenceItem"]);

// Daraja bodies are a few levels deep; a hostile one may nest thousands (the fuzz test sends 30,000), which a
// recursive walk must not follow: below this depth a value is left exactly as sent.
const MAX_DEPTH = 32;

/** The body with those variations undone (a copy), or the body itself when it has none — the usual case, and the
 * hot path: looking costs less than copying. Everything else is left as sent. */
export function normaliseBody(v: unknown): unknown {
  return isNormal(v, 0) ? v : copyNormalised(v, 0);
}

const BLANK = /\s/;

// Whether copyNormalised would change nothing: the same rules, read-only.
function isNormal(v: unknown, depth: number): boolean {
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(v)) return v.every((x) => !(Array.isArray(x) && x.length === 1) && isNormal(x, depth + 1));
  if (!isObject(v)) return true;
  for (const key in v) {
    const value = v[key];
    if (key === "__proto__" || BLANK.test(key)) return false;
    if (LISTS.has(key) ? isObject(value) : Array.isArray(value) && value.length === 1) return false;
    if (!isNormal(value, depth + 1)) return false;
  }
  return true;
}

function copyNormalised(v: unknown, depth: number): unknown {
  if (depth >= MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => unwrapOne(copyNormalised(x, depth + 1)));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [rawKey, rawValue] of Object.entries(v)) {
    const key = rawKey.replace(/\s+/g, "");
    // `__proto__` names nothing Daraja sends, and assigning it would change the copy's prototype.
    if (key === "__proto__" || Object.hasOwn(out, key)) continue; // the first spelling wins
    const value = copyNormalised(rawValue, depth + 1);
    out[key] = LISTS.has(key) ? (isObject(value) ? [value] : value) : unwrapOne(value);
  }
  return out;
}

// Daraja nests no lists directly: a list of one stands for its element, wherever one value is usual.
function unwrapOne(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** A scalar as text: numbers as JSON writes them, strings trimmed; anything else null. */
export function readText(v: unknown): string | null {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : null;
  return typeof v === "string" ? v.trim() : null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
