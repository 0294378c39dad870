// The benchmark's Markdown table, one row per cell, and the lines under it (ceilings, RSS). Pure.
import { WORKLOAD_NAMES } from "./bench-plan.ts";
import type { CellResult } from "./bench-cell.ts";
import type { IngestCeiling } from "./bench-ceilings.ts";
import type { BenchDialect } from "./bench-db.ts";

export interface Ceilings {
  trivial: Map<string, number>; // requests/s by `${connections}/${close}`
  inserts: { perSecond: number; runtime: string; mariadbMicrosPerInsert: number | null } | null;
  withoutHttp: Map<BenchDialect, IngestCeiling>; // serve without HTTP, STK successes, 64 loops
}

const HEADER = ["database", "workload", "connection", "conns", "callbacks/s", "p50 ms", "p99 ms", "acked = logged", "new = stored",
  "dup %", "non-2xx / errors", "server µs/cb", "MariaDB µs/cb", "cb/batch", "batch ms", "Telegram sent", "conns/req", "÷ Bun.serve", "÷ MariaDB INSERT", "÷ no HTTP", "checks"];

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => n.toFixed(1);

function row(r: CellResult, c: Ceilings): string[] {
  const { cell, wrk, stored } = r;
  const acked = wrk.new + wrk.dup + wrk.other;
  const trivial = c.trivial.get(`${cell.connections}/${cell.close}`);
  const withoutHttp = c.withoutHttp.get(cell.db);
  const e = wrk.errors;
  const errors = e.connect + e.write + e.timeout + (cell.close ? 0 : e.read);
  return [
    cell.db === "mysql" ? "MariaDB" : "SQLite", WORKLOAD_NAMES[cell.workload] + (cell.rss ? ` (${cell.seconds} s)` : ""),
    cell.close ? "new per request" : "keep-alive", String(cell.connections), int(r.perSecond), ms(wrk.p50ms), ms(wrk.p99ms),
    `${int(acked)} = ${int(stored.logs)}`, `${int(wrk.new)} = ${int(stored.payments)}`, acked > 0 ? ((100 * wrk.dup) / acked).toFixed(1) : "–",
    `${wrk.non2xx} / ${errors}`, int(r.serverMicros), r.mariadbMicros === null ? "–" : int(r.mariadbMicros),
    r.batches.meanSize.toFixed(1), r.batches.meanMs.toFixed(1), int(r.sent),
    r.connectionsPerRequest.toFixed(2), trivial ? (r.perSecond / trivial).toFixed(2) : "–",
    cell.db === "mysql" && c.inserts ? (r.perSecond / c.inserts.perSecond).toFixed(2) : "–",
    withoutHttp ? (r.perSecond / withoutHttp.perSecond).toFixed(2) : "–", r.problems.length === 0 ? "ok" : "FAILED",
  ];
}

export function formatTable(results: CellResult[], c: Ceilings): string {
  const lines = [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`, ...results.map((r) => `| ${row(r, c).join(" | ")} |`)];
  return lines.join("\n");
}

export function formatNotes(results: CellResult[], c: Ceilings): string {
  const lines: string[] = [];
  for (const [key, rps] of c.trivial) {
    const [conns, close] = key.split("/");
    lines.push(`Ceiling: trivial Bun.serve JSON endpoint, ${conns} connections, ${close === "true" ? "new connection per request" : "keep-alive"}: ${int(rps)} requests/s`);
  }
  if (c.inserts) {
    const cpu = c.inserts.mariadbMicrosPerInsert === null ? "" : `, MariaDB ${int(c.inserts.mariadbMicrosPerInsert)} µs CPU per INSERT`;
    lines.push(`Ceiling: MariaDB single-row autocommit INSERTs, 64 connections from ${c.inserts.runtime} (mysql2 pool): ${int(c.inserts.perSecond)}/s${cpu}`);
  }
  for (const [db, w] of c.withoutHttp) {
    const cpu = `serve ${int(w.serverMicros)} µs CPU per callback${w.mariadbMicros === null ? "" : `, MariaDB ${int(w.mariadbMicros)}`}`;
    const batches = `${w.batches.meanSize.toFixed(1)} callbacks per batch, ${w.batches.meanMs.toFixed(1)} ms each`;
    lines.push(`Ceiling: serve without HTTP (STK successes handed to its ingest by 64 loops), ${db === "mysql" ? "MariaDB" : "SQLite"}: ${int(w.perSecond)} stored/s, ${cpu}; ${batches}`);
  }
  for (const r of results.filter((x) => x.rss !== null)) {
    lines.push(`RSS of serve (${r.cell.db === "mysql" ? "MariaDB" : "SQLite"}, STK successes, ${r.cell.connections} connections): ${r.rss?.half.toFixed(0)} MiB at ${r.cell.seconds / 2} s, ${r.rss?.end.toFixed(0)} MiB at ${r.cell.seconds} s`);
  }
  for (const r of results.filter((x) => x.problems.length > 0)) {
    lines.push(`FAILED ${r.cell.db} ${r.cell.workload} ${r.cell.close ? "close" : "keep-alive"} ${r.cell.connections}: ${r.problems.join("; ")}`);
  }
  return lines.join("\n");
}
