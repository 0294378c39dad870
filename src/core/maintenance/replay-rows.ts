// Which callback_logs rows a replay reads, and whether each may be replayed: never a request the edge refused
// (source, size, content type: DESIGN.md, refused input never becomes money), nor an unsolicited success refused by
// MPESA_CB_UNSOLICITED=reject, nor a validation request (Daraja had its answer live), nor a replay row itself, nor
// reconcile's record of a query answer, nor a callback the store took when it arrived (it would apply twice).
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import { inList } from "../store/raw-sql.ts";
import { sqlTime } from "../store/callback-log-sql.ts";
import { BODY_SIZE_PROBLEM, CONTENT_TYPE_PROBLEM, SOURCE_PROBLEM } from "../ingest/batch-plan.ts";
import { FAMILIES } from "../daraja/registry.ts";
import { c2bValidationFamily } from "../daraja/c2b/validation.ts";
import { RECONCILE_ROUTE } from "../reconcile/reconcile-sql.ts";

export interface ReplaySelection {
  ids?: readonly string[]; // row ids (digits) or request ids
  from?: Date; // received at or after
  to?: Date; // received before
  outcome?: "rejected" | "quarantined";
  family?: string;
  limit?: number;
}

export interface LoggedCallback {
  id: number;
  requestId: string | null;
  family: string; // "stk" for the original server's rows, which name none
  route: string | null;
  rawBody: string | null;
  receivedAt: Date;
  sourceIp: string | null;
  sourceVerdict: string | null;
  httpStatus: number | null;
  outcome: string | null;
  problems: string | null;
  processed: boolean;
}

/** The prefix of a replayed request's route: `replay:<the original's request id, or #row>:<its route>`. */
export const REPLAY_ROUTE = "replay:";

const PAGE = 200;

/** The selected rows, oldest first, a page at a time (keyset on id: no long-running read). */
export async function* selectLogged(db: Database, s: ReplaySelection): AsyncGenerator<LoggedCallback[]> {
  const { where, values } = whereOf(s);
  let after = 0;
  let left = s.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const page = Math.min(PAGE, left);
    const rows = await db.sequelize.query<Record<string, unknown>>(
      `SELECT id, request_id, family, route, raw_payload, received_at, created_at, source_ip, source_verdict, http_status, outcome, problems, processed
       FROM callback_logs WHERE id > ?${where} ORDER BY id LIMIT ${page}`,
      { replacements: [after, ...values], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) return;
    yield rows.map(toLogged);
    after = Number(rows[rows.length - 1]?.id);
    left -= rows.length;
    if (rows.length < page) return;
  }
}

function whereOf(s: ReplaySelection): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  if (s.ids !== undefined && s.ids.length > 0) {
    const rowIds = s.ids.filter((i) => /^\d+$/.test(i)).map(Number);
    const requestIds = s.ids.filter((i) => !/^\d+$/.test(i));
    const either = [rowIds.length > 0 ? `id IN (${inList(rowIds.length)})` : "", requestIds.length > 0 ? `request_id IN (${inList(requestIds.length)})` : ""];
    parts.push(`(${either.filter((p) => p !== "").join(" OR ")})`);
    values.push(...rowIds, ...requestIds);
  } else {
    // Read only when named: a replay row, a reconcile query's answer, a callback applied when it arrived (wasApplied).
    // A range or an outcome selects what Daraja sent and was not taken.
    parts.push(`(route IS NULL OR (route NOT LIKE '${REPLAY_ROUTE}%' AND route <> '${RECONCILE_ROUTE}'))`);
    parts.push(`NOT ((COALESCE(http_status, 0) = 200 AND COALESCE(outcome, '') <> 'quarantined') OR (http_status IS NULL AND outcome IS NULL AND processed = 1))`);
  }
  if (s.from !== undefined) (parts.push("COALESCE(received_at, created_at) >= ?"), values.push(sqlTime(s.from)));
  if (s.to !== undefined) (parts.push("COALESCE(received_at, created_at) < ?"), values.push(sqlTime(s.to)));
  if (s.outcome !== undefined) (parts.push("outcome = ?"), values.push(s.outcome));
  if (s.family !== undefined) {
    parts.push(s.family === "stk" ? "(family = ? OR family IS NULL)" : "family = ?");
    values.push(s.family);
  }
  return { where: parts.map((p) => ` AND ${p}`).join(""), values };
}

function toLogged(r: Record<string, unknown>): LoggedCallback {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id), requestId: text(r.request_id), family: text(r.family) ?? "stk", route: text(r.route), rawBody: text(r.raw_payload),
    receivedAt: utcDate(r.received_at ?? r.created_at), sourceIp: text(r.source_ip), sourceVerdict: text(r.source_verdict),
    httpStatus: r.http_status === null || r.http_status === undefined ? null : Number(r.http_status), outcome: text(r.outcome), problems: text(r.problems),
    processed: Number(r.processed) === 1,
  };
}

/** A DATETIME as the drivers return it (a Date from mysql2, UTC text from SQLite). */
export function utcDate(v: unknown): Date {
  if (v instanceof Date) return v;
  return new Date(`${String(v).replace(" ", "T").replace(/Z$/, "")}Z`);
}

const EDGE_PATHS: Record<string, string> = {
  [SOURCE_PROBLEM]: "its source was refused (403)", [BODY_SIZE_PROBLEM]: "its body was over the size limit (413), so only part of it is kept",
  [CONTENT_TYPE_PROBLEM]: "its content type was not JSON (415)",
};
const KNOWN = new Set(FAMILIES.map((f) => f.name));

/** Why a row is not replayed; null when it may be. */
export function whyNotReplayable(row: LoggedCallback): string | null {
  if (row.route?.startsWith(REPLAY_ROUTE)) return `it is itself a replay (${row.route.slice(0, 60)}): replay the original row`;
  if (row.route === RECONCILE_ROUTE) return "an answer to reconcile's query, not a callback: there is nothing to replay";
  if (row.outcome === "refused") return "an unsolicited success refused by MPESA_CB_UNSOLICITED=reject; a refused request is never replayed";
  const edge = edgeRefusal(row);
  if (edge !== null) return `refused at the edge: ${edge}; a refused request is never replayed`;
  if (!KNOWN.has(row.family)) return `no callback family named ${JSON.stringify(row.family)}`;
  if (row.family === c2bValidationFamily.name) return "a validation request: Daraja had its answer when it asked, and a replay cannot change it";
  if (row.rawBody === null) return "its raw body is gone (purged by retention, or never kept by the original server)";
  if (wasApplied(row)) return `applied when it arrived (${row.outcome ?? "processed by the original server"}): replaying it would apply it twice`;
  return null;
}

/**
 * Whether the store already took the callback when it arrived: answered 200 with any outcome but quarantined (the
 * original server's rows, which have none, by their processed flag). Replaying one could only repeat its effect (a
 * conflict counted and alerted twice); what a replay is for is the callbacks that were not taken.
 */
function wasApplied(row: LoggedCallback): boolean {
  if (row.outcome === null && row.httpStatus === null) return row.processed;
  return row.httpStatus === 200 && row.outcome !== "quarantined";
}

function edgeRefusal(row: LoggedCallback): string | null {
  let paths: string[] = [];
  try {
    const problems = row.problems === null ? [] : (JSON.parse(row.problems) as { path?: unknown }[]);
    paths = Array.isArray(problems) ? problems.map((p) => String(p?.path)) : [];
  } catch {
    paths = [];
  }
  const path = paths.find((p) => p in EDGE_PATHS);
  if (path !== undefined) return EDGE_PATHS[path] ?? path;
  // A status says so even where the problems were not kept.
  if (row.httpStatus === 403 || row.httpStatus === 413 || row.httpStatus === 415) return `answered ${row.httpStatus}`;
  return null;
}
