// Calls to Daraja through the real undici client (DESIGN.md: `undici/index.js`, not Bun's built-in), with timeouts.
import { Agent, request } from "undici/index.js";
import { describeError, scrubSecrets } from "../error-text.ts";

export interface DarajaHttp {
  dispatcher: Agent;
  timeoutMs: number; // each of: connecting, waiting for the headers, reading the body
  secrets: readonly string[]; // scrubbed from every error message, whatever put them there
}

export interface JsonAnswer {
  status: number;
  body: unknown; // the parsed JSON, or null when the body is not JSON
}

export function createDarajaHttp(o: { timeoutMs: number; secrets: readonly string[]; connections?: number }): DarajaHttp {
  const t = o.timeoutMs;
  const dispatcher = new Agent({ connect: { timeout: t }, headersTimeout: t, bodyTimeout: t, connections: o.connections ?? 4 });
  return { dispatcher, timeoutMs: t, secrets: o.secrets };
}

/** One request; a network failure or a timeout is thrown as a DarajaHttpError whose message holds no secret. */
export async function callDaraja(http: DarajaHttp, o: { method: "GET" | "POST"; url: string; headers: Record<string, string>; body?: unknown }): Promise<JsonAnswer> {
  try {
    const res = await request(o.url, {
      method: o.method, dispatcher: http.dispatcher, signal: AbortSignal.timeout(http.timeoutMs * 3),
      headers: { accept: "application/json", ...(o.body === undefined ? {} : { "content-type": "application/json" }), ...o.headers },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: parseJson(text) };
  } catch (e) {
    throw new DarajaHttpError(scrubSecrets(`${o.method} ${new URL(o.url).pathname} failed: ${describeError(e)}`, http.secrets));
  }
}

export class DarajaHttpError extends Error {
  override readonly name = "DarajaHttpError";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
