// Small HTTP helpers: JSON responses and a size-limited body reader.
import type { Problem } from "../core/result.ts";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export type BodyRead = { ok: true; text: string; problems: Problem[] } | { ok: false; response: Response };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

/** Reads at most `limit` bytes. Invalid UTF-8 is kept (lossily, for the log) and reported as a problem. */
export async function readBody(req: Request, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return { ok: false, response: tooLarge(limit) };
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > limit) return { ok: false, response: tooLarge(limit) };
  try {
    return { ok: true, text: utf8.decode(bytes), problems: [] };
  } catch {
    return { ok: true, text: lossy.decode(bytes), problems: [{ path: "(body)", message: "is not valid UTF-8 text" }] };
  }
}

function tooLarge(limit: number): Response {
  return json(413, { ResultCode: 1, ResultDesc: `Rejected: body larger than ${limit} bytes` });
}
