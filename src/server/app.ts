// The HTTP face: routes, 404/405, and the one place where an unexpected error becomes a bare 500.
import type { Server } from "bun";
import type { ConsolaInstance } from "consola";
import type { Ingest } from "../core/ingest/ingest.ts";
import type { HealthReport } from "../core/health.ts";
import { json, readBody } from "./http.ts";
import type { Problem } from "../core/result.ts";

export const CALLBACK_PATH = "/mpesa/callback"; // the original server's URL: existing Daraja registrations keep working

export interface AppDeps {
  ingest: Ingest;
  health: () => Promise<HealthReport>;
  version: string;
  maxBodyBytes: number;
  logger: ConsolaInstance;
}

type Handler = (req: Request, server: Server<unknown>) => Promise<Response> | Response;

export function createApp(deps: AppDeps): (req: Request, server: Server<unknown>) => Promise<Response> {
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    "/": { GET: () => json(200, describeService(deps.version)) },
    "/health": { GET: async () => healthResponse(await deps.health()) },
    [CALLBACK_PATH]: { POST: (req, server) => receiveCallback(deps, req, server) },
  };
  return async (req, server) => {
    const path = new URL(req.url).pathname.replace(/(.)\/+$/, "$1");
    const route = routes[path];
    if (route === undefined) return json(404, { error: "not found", path });
    const handler = route[req.method] ?? (req.method === "HEAD" ? route.GET : undefined);
    if (handler === undefined) {
      const allow = Object.keys(route).join(", ");
      return json(405, { error: `method ${req.method} not allowed`, allow }, { allow });
    }
    try {
      return await handler(req, server);
    } catch (e) {
      deps.logger.error(`unexpected error on ${req.method} ${path}:`, e);
      return json(500, { error: "internal error" });
    }
  };
}

async function receiveCallback(deps: AppDeps, req: Request, server: Server<unknown>): Promise<Response> {
  const receivedAt = new Date();
  const body = await readBody(req, deps.maxBodyBytes);
  if (!body.ok) return body.response;
  const sourceIp = server.requestIP(req)?.address ?? null;
  const route = new URL(req.url).pathname;
  const problems = [...contentTypeProblems(req.headers.get("content-type")), ...body.problems];
  const reply = await deps.ingest.handle({ id: crypto.randomUUID(), receivedAt, sourceIp, route, rawBody: body.text }, problems);
  const unsupportedType = reply.status === 400 && problems.some((p) => p.path === "(content-type)");
  return json(unsupportedType ? 415 : reply.status, reply.body);
}

// Checked loosely: Daraja sends `application/json;charset=UTF-8`; a missing type or text/plain is tolerated too.
const JSON_TYPES = /^(application\/([\w.+-]+\+)?json|text\/json|text\/plain)$/i;

function contentTypeProblems(header: string | null): Problem[] {
  if (header === null || header.trim() === "") return [];
  const media = header.split(";")[0]?.trim() ?? "";
  return JSON_TYPES.test(media) ? [] : [{ path: "(content-type)", message: `must be application/json, got "${media.slice(0, 80)}"` }];
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
