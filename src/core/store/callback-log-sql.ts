// callback_logs, every family's: one row per request that reached a callback route, rejected ones too
// (DESIGN.md promise 4). The family says which of its fields fill the shared columns.
import { rowPlaceholders } from "./raw-sql.ts";
import { httpStatusOf, type IngestItem } from "../ingest/batch-plan.ts";
import { familyNamed } from "../daraja/registry.ts";
import type { Problem } from "../result.ts";

export function insertLogsSql(rows: number): string {
  return `INSERT INTO callback_logs (request_id, family, callback_key, checkout_request_id, raw_payload, result_code, result_desc,
    processed, received_at, source_ip, source_verdict, route, http_status, outcome, problems) VALUES ${rowPlaceholders(rows, 15)}`;
}

/** What a request's log row keeps as its problems: the rejection's, or an accepted record's tolerated oddities. */
export function problemsOfItem(item: IngestItem<unknown>): Problem[] {
  return item.parsed.ok ? familyNamed(item.request.family).warningsOf(item.parsed.value) : item.parsed.problems;
}

/** The row's values; `problems` defaults to problemsOfItem. */
export function logValues(item: IngestItem<unknown>, outcome: string, problems: Problem[] = problemsOfItem(item)): unknown[] {
  const r = item.request;
  const family = familyNamed(r.family);
  const fields = item.parsed.ok ? family.logFields(item.parsed.value) : null;
  const status = httpStatusOf(outcome, problems);
  return [
    r.id, family.name, fields?.key ?? null, family.name === "stk" ? (fields?.key ?? null) : null, r.rawBody,
    fields?.resultCode ?? null, fields?.resultDesc ?? null, status === 200 ? 1 : 0,
    sqlTime(r.receivedAt), r.sourceIp, r.sourceVerdict ?? null, r.route.slice(0, 200), status, outcome,
    problems.length > 0 ? JSON.stringify(problems) : null,
  ];
}

/** UTC with milliseconds, as DATETIME(3) and SQLite text both take it. */
export function sqlTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}
