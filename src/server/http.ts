// Small HTTP helpers: JSON responses and a size-limited body reader.
import type { Problem } from "../core/result.ts";
import { BODY_SIZE_PROBLEM } from "../core/ingest/batch-plan.ts";

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ "content-type": "application/json" });

// Every callback's answer comes through here: the common case (no extra headers) shares one header object.
export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: headers === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...headers } });
}

/** The body as text, and what is wrong with it: too large (only the first `limit` bytes are kept), not UTF-8. */
export interface BodyRead {
  text: string;
  problems: Problem[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

/** Reads at most `limit` bytes; a larger body is cut there and reported, so that even it can be kept for review. */
export async function readBody(req: Request, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  const bytes = declared > limit ? await readPrefix(req, limit) : new Uint8Array(await req.arrayBuffer());
  if (declared > limit || bytes.byteLength > limit) {
    const size = declared > limit ? `${declared} bytes` : "more";
    return { text: lossy.decode(bytes.subarray(0, limit)), problems: [{ path: BODY_SIZE_PROBLEM, message: `is ${size}, larger than the limit of ${limit} bytes (MPESA_CB_MAX_BODY_BYTES); the first ${limit} bytes are kept` }] };
  }
  try {
    return { text: utf8.decode(bytes), problems: [] };
  } catch {
    return { text: lossy.decode(bytes), problems: [{ path: "(body)", message: "is not valid UTF-8 text" }] };
  }
}

// Reads the first `limit` bytes of a body and drops the rest unread.
async function readPrefix(req: Request, limit: number): Promise<Uint8Array> {
  const reader = req.body?.getReader();
  if (reader === undefined) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, limit);
}
