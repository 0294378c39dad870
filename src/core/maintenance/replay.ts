// Replays stored callbacks (callback_logs) through today's parser and the family stores, as if they arrived again.
// Idempotent: a payment already stored comes out a duplicate, and a callback replayed before with the same parse is
// not written again (its replay's request id is derived from the original and the parse; see replay-id.ts).
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import { inList } from "../store/raw-sql.ts";
import { toItem, writeByFamily, type FamilyStore } from "../ingest/ingest.ts";
import type { CallbackRequest, IngestItem } from "../ingest/batch-plan.ts";
import { familyNamed } from "../daraja/registry.ts";
import { utcNowSql } from "../store/db-clock.ts";
import { REPLAY_ROUTE, selectLogged, whyNotReplayable, type LoggedCallback, type ReplaySelection } from "./replay-rows.ts";
import { parseFingerprint, replayIds } from "./replay-id.ts";
import { predictOutcomes } from "./replay-predict.ts";

export type ReplayAction = "replayed" | "would-replay" | "already-replayed" | "still-rejected" | "skipped";

export interface ReplayEntry {
  row: number;
  requestId: string | null;
  family: string;
  receivedAt: string; // ISO, UTC
  then: string; // the outcome it had, with its HTTP status
  action: ReplayAction;
  detail: string; // the parse now (and its outcome), or why it was not replayed
  outcome?: string; // replayed: what the store made of it
  replayId?: string;
}

export interface ReplayOptions {
  db: Database;
  stores: ReadonlyMap<string, FamilyStore>;
  selection: ReplaySelection;
  dryRun?: boolean;
  onEntry?: (entry: ReplayEntry) => void; // each callback as it is done
}

export interface ReplayReport {
  entries: ReplayEntry[];
  counts: Record<ReplayAction, number>;
  unresolved: number; // replayed (or would be) and still not stored: rejected, quarantined, refused
}

const NOT_STORED = new Set(["rejected", "quarantined", "refused"]);

export async function replayCallbacks(o: ReplayOptions): Promise<ReplayReport> {
  const report: ReplayReport = { entries: [], counts: { replayed: 0, "would-replay": 0, "already-replayed": 0, "still-rejected": 0, skipped: 0 }, unresolved: 0 };
  const add = (e: ReplayEntry) => {
    report.entries.push(e);
    report.counts[e.action]++;
    if (e.action === "still-rejected" || (e.outcome !== undefined && NOT_STORED.has(e.outcome))) report.unresolved++;
    o.onEntry?.(e);
  };
  for await (const page of selectLogged(o.db, o.selection)) {
    for (const e of await replayPage(o, page)) add(e);
  }
  return report;
}

interface Candidate {
  row: LoggedCallback;
  item: IngestItem<unknown>;
  base: Omit<ReplayEntry, "action" | "detail">;
}

async function replayPage(o: ReplayOptions, page: LoggedCallback[]): Promise<ReplayEntry[]> {
  const entries = new Map<number, ReplayEntry>();
  const candidates: Candidate[] = [];
  for (const row of page) {
    const base = { row: row.id, requestId: row.requestId, family: row.family, receivedAt: row.receivedAt.toISOString(), then: thenOf(row) };
    const why = whyNotReplayable(row);
    if (why !== null) {
      entries.set(row.id, { ...base, action: "skipped", detail: why });
      continue;
    }
    const item = toItem(requestOf(row, ""));
    if (!item.parsed.ok) {
      entries.set(row.id, { ...base, action: "still-rejected", detail: `the parser still rejects it: ${item.parsed.problems.map((p) => `${p.path} ${p.message}`).join("; ")}` });
      continue;
    }
    candidates.push({ row, item, base });
  }
  const fresh = await assignReplayIds(o.db, candidates, entries);
  if (fresh.length > 0) {
    if (o.dryRun) await predict(o.db, fresh, entries);
    else await write(o, fresh, entries);
  }
  return page.flatMap((r) => entries.get(r.id) ?? []);
}

/** Gives each candidate its replay id; one already replayed with this parse is done (unless that replay was quarantined). */
async function assignReplayIds(db: Database, candidates: Candidate[], entries: Map<number, ReplayEntry>): Promise<Candidate[]> {
  const ids = candidates.map((c) => replayIds(c.row.requestId ?? `#${c.row.id}`, parseFingerprint(c.row.family, c.item.parsed)));
  const logged = await loggedOutcomes(db, ids.flat());
  const fresh: Candidate[] = [];
  candidates.forEach((c, i) => {
    const tries = ids[i] ?? [];
    const next = tries.findIndex((id) => !logged.has(id));
    const previous = next === -1 ? tries[tries.length - 1] : next > 0 ? tries[next - 1] : undefined;
    const before = previous === undefined ? undefined : logged.get(previous);
    if (next === -1 || (before !== undefined && before !== "quarantined")) {
      const detail = `replayed before with this same parse (request ${previous}, ${before}): nothing to do`;
      entries.set(c.row.id, { ...c.base, action: "already-replayed", detail, outcome: before ?? "quarantined", replayId: previous });
      return;
    }
    const replayId = tries[next] as string;
    c.item = { ...c.item, request: { ...c.item.request, id: replayId, route: replayRoute(c.row) } };
    fresh.push(c);
  });
  return fresh;
}

async function write(o: ReplayOptions, fresh: Candidate[], entries: Map<number, ReplayEntry>): Promise<void> {
  const outcomes = await writeByFamily(o.stores, fresh.map((c) => c.item));
  const reviewed: number[] = [];
  fresh.forEach((c, i) => {
    const outcome = outcomes[i] ?? "rejected";
    const value = c.item.parsed.ok ? c.item.parsed.value : null;
    entries.set(c.row.id, { ...c.base, action: "replayed", detail: familyNamed(c.row.family).describe(value, outcome), outcome, replayId: c.item.request.id });
    if (c.row.outcome === "quarantined" && !NOT_STORED.has(outcome)) reviewed.push(c.row.id);
  });
  // A quarantined callback that is now stored has had its review: /health stops counting it.
  if (reviewed.length > 0) {
    await o.db.sequelize.query(`UPDATE callback_logs SET reviewed_at = ${utcNowSql(o.db.dialect)} WHERE reviewed_at IS NULL AND id IN (${inList(reviewed.length)})`,
      { replacements: reviewed });
  }
}

async function predict(db: Database, fresh: Candidate[], entries: Map<number, ReplayEntry>): Promise<void> {
  const guesses = await predictOutcomes(db, fresh.map((c) => c.item));
  fresh.forEach((c, i) => {
    const value = c.item.parsed.ok ? c.item.parsed.value : null;
    entries.set(c.row.id, { ...c.base, action: "would-replay", detail: `${familyNamed(c.row.family).describe(value, "replay")}: ${guesses[i] ?? ""}` });
  });
}

async function loggedOutcomes(db: Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.sequelize.query<{ request_id: string; outcome: string | null }>(
    `SELECT request_id, outcome FROM callback_logs WHERE request_id IN (${inList(ids.length)})`, { replacements: ids, type: QueryTypes.SELECT });
  return new Map(rows.map((r) => [r.request_id, r.outcome ?? ""]));
}

/** The request as it arrived: its time, source and body; the route marks it a replay and names the original. */
function requestOf(row: LoggedCallback, id: string): CallbackRequest {
  const verdict = row.sourceVerdict === "unchecked" || row.sourceVerdict === "listed" || row.sourceVerdict === "unlisted" ? row.sourceVerdict : undefined;
  return { id, receivedAt: row.receivedAt, sourceIp: row.sourceIp, sourceVerdict: verdict, family: row.family, route: replayRoute(row), rawBody: row.rawBody ?? "" };
}

function replayRoute(row: LoggedCallback): string {
  return `${REPLAY_ROUTE}${row.requestId ?? `#${row.id}`}:${row.route ?? ""}`.slice(0, 200);
}

function thenOf(row: LoggedCallback): string {
  const outcome = row.outcome ?? "logged by the original server";
  return row.httpStatus === null ? outcome : `${outcome} (${row.httpStatus})`;
}
