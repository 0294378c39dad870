// The HTTP face: routes, 404/405, and the one place where an unexpected error becomes a bare 500.
import type { Server } from "bun";
import type { ConsolaInstance } from "consola";
import type { Ingest } from "../core/ingest/ingest.ts";
import type { HealthReport } from "../core/health.ts";
import { json } from "./http.ts";
import { CALLBACK_PATH, receiveCallback, type CallbackDeps } from "./callbacks.ts";

export { CALLBACK_PATH } from "./callbacks.ts";

export interface AppDeps extends CallbackDeps {
  ingest: Ingest;
  health: () => Promise<HealthReport>;
  version: string;
}

type Handler = (req: Request, server: Server<unknown>) => Promise<Response> | Response;

export function createApp(deps: AppDeps): (req: Request, server: Server<unknown>) => Promise<Response> {
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    "/": { GET: () => json(200, describeService(deps.version)) },
    "/health": { GET: async () => healthResponse(await deps.health()) },
    [CALLBACK_PATH]: { POST: (req, server) => receiveCallback(deps, req, server, null) },
  };
  // /mpesa/callback/<token>: one more path segment, checked by the callback handler.
  const tokenRoute = (token: string): Partial<Record<string, Handler>> => ({ POST: (req, server) => receiveCallback(deps, req, server, token) });
  return async (req, server) => {
    const path = pathOf(req.url).replace(/(.)\/+$/, "$1");
    const token = path.startsWith(`${CALLBACK_PATH}/`) ? path.slice(CALLBACK_PATH.length + 1) : null;
    const route = token !== null && !token.includes("/") ? tokenRoute(safeDecode(token)) : routes[path];
    if (route === undefined) return json(404, { error: "not found", path: token === null ? path : CALLBACK_PATH });
    const handler = route[req.method] ?? (req.method === "HEAD" ? route.GET : undefined);
    if (handler === undefined) {
      const allow = Object.keys(route).join(", ");
      return json(405, { error: `method ${req.method} not allowed`, allow }, { allow });
    }
    try {
      return await handler(req, server);
    } catch (e) {
      deps.logger.error(`unexpected error on ${req.method} ${token === null ? path : `${CALLBACK_PATH}/…`}:`, e);
      return json(500, { error: "internal error" });
    }
  };
}

// An HTTP/1.0 request without a Host header (HAProxy's default health check, old proxies) reaches us with a relative
// URL ("/health"), which `new URL` alone refuses: resolve it against a placeholder origin; the path is all we use.
function pathOf(url: string): string {
  return new URL(url, "http://no-host.invalid").pathname;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is just a wrong token
  }
}

function healthResponse(report: HealthReport): Response {
  return json(report.status === "unhealthy" ? 503 : 200, report);
}

function describeService(version: string): Record<string, unknown> {
  return {
    service: "mpesa-cb",
    description: "M-Pesa Daraja callback server",
    version,
    status: "running",
    endpoints: { root: "GET /", health: "GET /health", stkCallback: `POST ${CALLBACK_PATH}` },
  };
}
