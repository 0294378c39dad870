// A callback route, for any family: path token, source address, body, content type → ingest → the answer Daraja gets.
import type { Server } from "bun";
import type { ConsolaInstance } from "consola";
import type { Ingest } from "../core/ingest/ingest.ts";
import type { Config } from "../core/config.ts";
import type { Problem } from "../core/result.ts";
import { checkPathToken } from "../core/auth/path-token.ts";
import { clientAddress } from "../core/auth/client-address.ts";
import { checkSource } from "../core/auth/source-check.ts";
import { CONTENT_TYPE_PROBLEM, SOURCE_PROBLEM } from "../core/ingest/batch-plan.ts";
import { json, readBody } from "./http.ts";
import { newRequestId } from "../core/store/request-ids.ts";
import type { AnyFamily } from "../core/daraja/registry.ts";

/** Counted since start, shown by /health: what the defences turned away or flagged. */
export interface SecurityCounters {
  wrongToken: number;
  unlistedSource: number;
  refusedSource: number;
}

export interface CallbackDeps {
  ingest: Ingest;
  auth: Config["auth"];
  maxBodyBytes: number;
  logger: ConsolaInstance;
  counters: SecurityCounters;
}

const NOT_FOUND = (path: string) => json(404, { error: "not found", path });

/** Which route a request came in by: its family, the route, and the path token after it (null: none). */
export interface CallbackTarget {
  family: AnyFamily;
  route: string;
  token: string | null;
}

export async function receiveCallback(deps: CallbackDeps, target: CallbackTarget, req: Request, server: Server<unknown>): Promise<Response> {
  const { family, token } = target;
  const receivedAt = new Date();
  const peer = server.requestIP(req)?.address ?? null;
  const tokenCheck = checkPathToken(token, deps.auth.callbackTokens);
  if (tokenCheck === "wrong" || tokenCheck === "missing") {
    deps.counters.wrongToken++;
    deps.logger.warn(`callback with a ${tokenCheck} path token from ${peer ?? "?"}: answered 404 (the token is not logged)`);
    return NOT_FOUND(target.route);
  }
  const body = await readBody(req, deps.maxBodyBytes);
  const sourceIp = clientAddress(peer, req.headers, deps.auth.trustedProxies);
  const source = checkSource(sourceIp, deps.auth.sourceIps, deps.auth.sourceIpMode);
  if (source.verdict === "unlisted") {
    deps.counters.unlistedSource++;
    if (firstSighting(sourceIp ?? "?")) deps.logger.warn(`callback from ${sourceIp ?? "an unknown address"}, which is not on the source allowlist (${deps.auth.sourceIpMode} mode; said once per address per 10 minutes)`);
  }
  if (source.refuse) deps.counters.refusedSource++;
  const edgeProblems: Problem[] = [
    ...(source.refuse ? [{ path: SOURCE_PROBLEM, message: `${sourceIp ?? "an unknown address"} is not an allowed callback source` }] : []),
    ...contentTypeProblems(req.headers.get("content-type")),
    ...body.problems,
  ];
  // The route as stored: which token was used (its position), never the token itself.
  const route = token === null ? target.route : `${target.route}/:token#${deps.auth.callbackTokens.indexOf(token) + 1}`;
  const request = { id: newRequestId(), receivedAt, sourceIp, sourceVerdict: source.verdict, family: family.name, route, rawBody: family.redact?.(body.text) ?? body.text, edgeProblems };
  const reply = await deps.ingest.handle(request);
  return json(reply.status, reply.body);
}

// One warning per address per 10 minutes: a flood from one address must not flood the log.
const lastWarned = new Map<string, number>();
function firstSighting(address: string): boolean {
  const now = Date.now();
  if ((lastWarned.get(address) ?? 0) > now - 600_000) return false;
  if (lastWarned.size > 10_000) lastWarned.clear();
  lastWarned.set(address, now);
  return true;
}

// Checked loosely: Daraja sends `application/json;charset=UTF-8`; a missing type or text/plain is tolerated too.
const JSON_TYPES = /^(application\/([\w.+-]+\+)?json|text\/json|text\/plain)$/i;

function contentTypeProblems(header: string | null): Problem[] {
  if (header === null || header.trim() === "") return [];
  const media = header.split(";")[0]?.trim() ?? "";
  return JSON_TYPES.test(media) ? [] : [{ path: CONTENT_TYPE_PROBLEM, message: `must be application/json, got "${media.slice(0, 80)}"` }];
}
