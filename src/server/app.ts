// The HTTP face: routes, 404/405, the one place where an unexpected error becomes a bare 500, and every answer counted.
import type { Server } from "bun";
import type { Ingest } from "../core/ingest/ingest.ts";
import type { HealthReport } from "../core/health.ts";
import { json } from "./http.ts";
import { receiveCallback, type CallbackDeps } from "./callbacks.ts";
import { FAMILIES, type AnyFamily } from "../core/daraja/registry.ts";
import type { Metrics } from "../core/metrics/metrics.ts";
import type { RouteClass } from "../core/metrics/recorder.ts";
import { checkMetricsAccess, refusal } from "../core/metrics/access.ts";

export interface AppDeps extends CallbackDeps {
  ingest: Ingest;
  health: () => Promise<HealthReport>;
  version: string;
  metrics: Metrics;
}

type Handler = (req: Request, server: Server<unknown>) => Promise<Response> | Response;
type Route = Partial<Record<string, Handler>>;

export function createApp(deps: AppDeps): (req: Request, server: Server<unknown>) => Promise<Response> {
  const about = describeService(deps.version); // the same answer every time: built once
  const routes: Record<string, Route> = {
    "/": { GET: () => json(200, about) },
    "/health": { GET: async () => healthResponse(await deps.health()) },
    "/metrics": { GET: (req, server) => metricsResponse(deps, req, server) },
  };
  // Every family's routes, each also as `<route>/<token>`: one more path segment, checked by the callback handler.
  const callbackRoutes = new Map<string, AnyFamily>(FAMILIES.flatMap((f) => f.routes.map((r) => [r, f] as const)));
  const callbackRoute = (family: AnyFamily, route: string, token: string | null): Route =>
    ({ POST: (req, server) => receiveCallback(deps, { family, route, token }, req, server) });
  const answer = async (req: Request, server: Server<unknown>): Promise<Response> => {
    const path = pathOf(req.url).replace(/(.)\/+$/, "$1");
    const { base, token } = splitToken(path, callbackRoutes);
    const family = callbackRoutes.get(base);
    const route = family !== undefined ? callbackRoute(family, base, token) : routes[path];
    const routeClass: RouteClass = family !== undefined ? "callback" : CLASS_OF_PATH[path] ?? "other";
    const res = await routed(req, server, { route, path, base, token });
    deps.metrics.httpResponse(routeClass, res.status);
    return res;
  };
  async function routed(req: Request, server: Server<unknown>, r: { route: Route | undefined; path: string; base: string; token: string | null }): Promise<Response> {
    const { route, path, base, token } = r;
    // A wrong token's path is never echoed: the answer names the route only.
    if (route === undefined) return json(404, { error: "not found", path: token === null ? path : base });
    const handler = route[req.method] ?? (req.method === "HEAD" ? route.GET : undefined);
    if (handler === undefined) {
      const allow = Object.keys(route).join(", ");
      return json(405, { error: `method ${req.method} not allowed`, allow }, { allow });
    }
    try {
      return await handler(req, server);
    } catch (e) {
      deps.logger.error(`unexpected error on ${req.method} ${token === null ? path : `${base}/…`}:`, e);
      return json(500, { error: "internal error" });
    }
  }
  return answer;
}

const CLASS_OF_PATH: Partial<Record<string, RouteClass>> = { "/health": "health", "/metrics": "metrics" };

// Off the public path: loopback, or an address of MPESA_CB_METRICS_ALLOW (behind a trusted proxy, the client it names).
async function metricsResponse(deps: AppDeps, req: Request, server: Server<unknown>): Promise<Response> {
  const peer = server.requestIP(req)?.address ?? null;
  const access = checkMetricsAccess(peer, req.headers, { allow: deps.auth.metricsAllow, trustedProxies: deps.auth.trustedProxies });
  if (!access.allowed) return json(403, refusal(access.client));
  return new Response(await deps.metrics.render(), { headers: { "content-type": deps.metrics.contentType } });
}

/** `/stk/callback/<token>` → the route and the token; any other path is its own base, without a token. */
function splitToken(path: string, callbackRoutes: ReadonlyMap<string, unknown>): { base: string; token: string | null } {
  const cut = path.lastIndexOf("/");
  const base = path.slice(0, cut);
  return cut > 0 && callbackRoutes.has(base) ? { base, token: safeDecode(path.slice(cut + 1)) } : { base: path, token: null };
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
    endpoints: { root: "GET /", health: "GET /health", metrics: "GET /metrics", stkCallback: "POST /mpesa/callback", callbacks: Object.fromEntries(FAMILIES.map((f) => [f.name, f.routes.map((r) => `POST ${r}`)])) },
  };
}
