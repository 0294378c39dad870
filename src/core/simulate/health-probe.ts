// Reads a health report (from a server's /health, or built in-process) as healthy, degraded or unhealthy — the
// server's own words — with one line why.
import { getJson, type Target } from "./http.ts";

export type HealthState = "healthy" | "degraded" | "unhealthy";

export interface HealthProbe {
  state: HealthState;
  checked: string; // the URL asked, or the database checked directly
  summary: string; // one line for people
  report?: unknown; // the report as received
}

type Report = Record<string, unknown>;

/** Asks `GET /health`. Unreachable, timed out, or not an mpesa-cb report: unhealthy. */
export async function probeHealth(baseUrl: string, timeoutMs: number): Promise<HealthProbe> {
  const checked = `${baseUrl}/health`;
  const target: Target = { baseUrl, callbackPath: "", timeoutMs };
  try {
    const reply = await getJson(target, "/health");
    if (reply.json === null || typeof reply.json.status !== "string") {
      return { state: "unhealthy", checked, summary: `answered ${reply.status} without a health report: is ${baseUrl} an mpesa-cb server? (check --url)` };
    }
    return classifyReport(reply.json, checked);
  } catch (e) {
    return { state: "unhealthy", checked, summary: `${e instanceof Error ? e.message : String(e)}; on the server: systemctl status mpesa-callback` };
  }
}

/** Our report's status, as the server says it; anything unknown is unhealthy. */
export function classifyReport(report: Report, checked: string): HealthProbe {
  const state: HealthState = report.status === "healthy" || report.status === "degraded" ? report.status : "unhealthy";
  return { state, checked, summary: describeParts(report), report };
}

/** "database up (sqlite, 0.4 ms)" or "database up (mysql, db2:3306, 0.8 ms)" for every part that reports a status, e.g. database, notifications. */
function describeParts(report: Report): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(report)) {
    if (typeof value !== "object" || value === null || typeof (value as Report).status !== "string") continue;
    const part = value as Report;
    const facts = [part.dialect, part.node, typeof part.latencyMs === "number" ? `${part.latencyMs} ms` : undefined].filter((f) => typeof f === "string");
    const error = typeof part.error === "string" ? `: ${part.error}` : "";
    parts.push(`${name} ${String(part.status)}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}${error}`);
  }
  const spool = report.spool as { depth?: unknown; oldestAgeSeconds?: unknown; writable?: unknown; error?: unknown } | undefined;
  if (typeof spool?.depth === "number" && spool.depth > 0) {
    const age = typeof spool.oldestAgeSeconds === "number" ? `, oldest ${spool.oldestAgeSeconds} s` : "";
    parts.push(`spool holds ${spool.depth} callbacks not yet in the database${age}`);
  }
  if (spool?.writable === false) parts.push(`spool not writable${typeof spool.error === "string" ? `: ${spool.error}` : ""} (a database outage would answer 503)`);
  const review = report.review as { quarantined?: unknown } | undefined;
  if (typeof review?.quarantined === "number" && review.quarantined > 0) {
    parts.push(`${review.quarantined} quarantined callback(s) wait for review (README: Quarantine)`);
  }
  if (parts.length === 0) parts.push(`status ${JSON.stringify(report.status)}`);
  return parts.join("; ");
}
