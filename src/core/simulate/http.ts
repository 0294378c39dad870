// The simulator's view of a server: where it is, and one request at a time with a deadline.

export interface Target {
  baseUrl: string; // e.g. http://127.0.0.1:8000 (no trailing slash)
  callbackPath: string; // e.g. /mpesa/callback, or /mpesa/callback/<token>
  pathToken?: string; // the token (URL-encoded), for the other families' routes: /c2b/confirmation/<token>
  timeoutMs: number; // per request
  forwardedFor?: string; // an X-Forwarded-For to claim (spoof scenarios)
}

/** What came back: the status, the body text, and the body as a JSON object when it is one. */
export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown> | null;
}

/** `http://host:port/` → `http://host:port`; a missing scheme is an operator's typo worth fixing early. */
export function normaliseBaseUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    return parsed.href.replace(/\/+$/, "");
  } catch {
    return null;
  }
}

/**
 * The URL that reaches a server on this machine listening on host:port (serve's start-up line, the default --url of
 * simulate and health). A wildcard means the loopback address of its family: 0.0.0.0 → 127.0.0.1, :: → ::1 (which
 * answers even where the socket is IPv6-only).
 */
export function localServerUrl(host: string | undefined, port: string | undefined): string {
  const h = host === undefined || host === "" || host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${h.includes(":") ? `[${h}]` : h}:${port || "8000"}`;
}

export async function getJson(target: Target, path: string): Promise<Reply> {
  return send(target, path, { method: "GET" });
}

export async function postCallback(target: Target, body: string): Promise<Reply> {
  // Daraja's content type carries a charset (SPEC §1.1).
  const forwarded: Record<string, string> = target.forwardedFor ? { "x-forwarded-for": target.forwardedFor } : {};
  return send(target, target.callbackPath, { method: "POST", body, headers: { "content-type": "application/json;charset=UTF-8", ...forwarded } });
}

/** POSTs a body to another family's route (e.g. /c2b/confirmation), under the path token when there is one. */
export async function postTo(target: Target, route: string, body: string): Promise<Reply> {
  const path = target.pathToken === undefined ? route : `${route}/${target.pathToken}`;
  return send(target, path, { method: "POST", body, headers: { "content-type": "application/json" } });
}

async function send(target: Target, path: string, init: RequestInit): Promise<Reply> {
  const signal = AbortSignal.timeout(target.timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${target.baseUrl}${path}`, { ...init, signal, redirect: "manual" });
    text = await res.text();
  } catch (e) {
    throw new Error(describeFailure(e, target), { cause: e });
  }
  return { status: res.status, text, json: parseObject(text) };
}

const WHY: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listening there)",
  ENOTFOUND: "host name not found",
  ECONNRESET: "connection reset",
};

function describeFailure(e: unknown, target: Target): string {
  const name = e instanceof Error ? e.name : "";
  if (name === "TimeoutError" || name === "AbortError") return `no answer from ${target.baseUrl} within ${target.timeoutMs} ms (--timeout)`;
  const code = (e as { code?: unknown } | null)?.code;
  const why = typeof code === "string" && WHY[code] !== undefined ? WHY[code] : e instanceof Error ? e.message : String(e);
  return `cannot reach ${target.baseUrl}: ${why} — is mpesa-cb running there? (check --url)`;
}

export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
