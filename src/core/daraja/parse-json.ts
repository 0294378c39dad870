// Every family's first step: the request body text as JSON, or the reason it is not (the raw body is stored anyway).
import { fail, ok, type Result } from "../result.ts";

/** Parses the request body text; the problem says why it is not JSON (the raw body is stored anyway). */
export function parseJson(text: string): Result<unknown> {
  // A byte-order mark is not JSON, but some HTTP clients send one.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") return fail([{ path: "(body)", message: "is empty, expected a JSON object" }]);
  try {
    return ok(JSON.parse(body));
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^JSON Parse error: /, "").slice(0, 120);
    return fail([{ path: "(body)", message: `is not valid JSON (${why})` }]);
  }
}
