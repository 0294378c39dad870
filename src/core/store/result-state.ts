// Pure: the state rules of a Result-family row (the STK ones, applied to results: issue 12), and a batch folded over the
// stored rows in arrival order, so that a batch does exactly what its items would do one by one.
import { resultKey, type DarajaResult, type ResultStatus } from "../daraja/result/parse-result.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";

/** What one result or queue timeout came to (the contract of issue 12). */
export type ResultOutcome =
  | "new" // first row for its API and key
  | "duplicate" // the same outcome again: nothing changes
  | "late-result" // a result for a row that timed out: the result wins, alerted (money may have moved after all)
  | "conflict" // a timeout after a result, or a different final outcome: the row keeps its state, flagged
  | "updated" // an Unknown row got a definite result
  | "rejected" // did not parse (400)
  | "quarantined"; // the database refused it even alone: kept for review

/** A daraja_results row as the rules need it, and the columns a later result without them keeps. */
export interface ResultRow {
  id: number | null; // null: inserted by this batch
  api: string;
  key: string;
  status: ResultStatus;
  resultCode: string | null;
  transactionId: string | null;
  amountCents: number | null;
  originatorConversationId: string | null;
  conversationId: string | null;
  creditParty: string | null;
  debitParty: string | null;
  supersededStatus: string | null; // only ever "Timeout": a result came after the timeout
  conflictCount: number;
  lastConflictCode: string | null;
  requestId: string | null; // the callback that set the status
}

/** A row to write: inserted, or updated by id; `source` is the record whose fields it holds (null: only flagged). */
export interface ResultWrite {
  mode: "insert" | "update";
  row: ResultRow;
  source: DarajaResult | null;
}

export interface ResultPlan {
  outcomes: ResultOutcome[];
  writes: Map<string, ResultWrite>; // by rowId, in first-seen order
  after: (ResultRow | null)[]; // per item: the row as that item left it (null: rejected)
}

export const rowId = (api: string, key: string): string => `${api} ${key}`;

/** What a record does to the row of its key as it is now (undefined: none yet). `sets`: the record's fields win. */
export function decideResult(current: ResultRow | undefined, r: DarajaResult, requestId: string): { outcome: ResultOutcome; row: ResultRow; sets: boolean } {
  if (current === undefined) return { outcome: "new", row: rowOf(r, requestId, null), sets: true };
  if (r.kind === "timeout") {
    // A timeout after any result (Unknown too) says less than the result did: never let it replace one.
    return current.status === "Timeout" ? unchanged(current) : flagged(current, r);
  }
  if (current.status === "Timeout") return { outcome: "late-result", row: { ...rowOf(r, requestId, current), supersededStatus: "Timeout" }, sets: true };
  if (sameOutcome(current, r)) return unchanged(current);
  if (current.status === "Unknown" && r.status !== "Unknown") return { outcome: "updated", row: rowOf(r, requestId, current), sets: true };
  return flagged(current, r);
}

/** Folds a batch over the stored rows (by rowId), in arrival order. */
export function planResults(items: readonly IngestItem<DarajaResult>[], stored: ReadonlyMap<string, ResultRow>): ResultPlan {
  const current = new Map(stored);
  const writes = new Map<string, ResultWrite>();
  const after: (ResultRow | null)[] = [];
  const outcomes = items.map((item, i): ResultOutcome => {
    after[i] = null;
    if (!item.parsed.ok) return "rejected";
    const r = item.parsed.value;
    const id = rowId(r.api, resultKey(r));
    const before = current.get(id);
    const { outcome, row, sets } = decideResult(before, r, item.request.id);
    after[i] = row;
    if (outcome === "duplicate") return outcome;
    current.set(id, row);
    const earlier = writes.get(id);
    const mode = earlier?.mode ?? (before === undefined ? "insert" : "update");
    writes.set(id, { mode, row, source: sets ? r : (earlier?.source ?? null) });
    return outcome;
  });
  return { outcomes, writes, after };
}

// A failure carries no amount and often a placeholder receipt: what it lacks is not a difference.
function sameOutcome(current: ResultRow, r: DarajaResult): boolean {
  return current.status === r.status && current.resultCode === r.resultCode
    && (r.transactionId === null || current.transactionId === r.transactionId)
    && (r.amountCents === null || current.amountCents === r.amountCents);
}

const unchanged = (current: ResultRow) => ({ outcome: "duplicate" as const, row: current, sets: false });

function flagged(current: ResultRow, r: DarajaResult) {
  // A copy of the conflicting callback just flagged (the same timeout again) is a repeat, not another conflict nor
  // another alert. Not for a second success: one with another amount or receipt must be seen.
  const code = r.resultCode ?? r.status;
  if (code !== "0" && current.lastConflictCode === code) return unchanged(current);
  const row = { ...current, conflictCount: current.conflictCount + 1, lastConflictCode: code };
  return { outcome: "conflict" as const, row, sets: false };
}

// The record's fields; ids, amount and parties it lacks are kept from the row (a timeout's echo named them).
function rowOf(r: DarajaResult, requestId: string, current: ResultRow | null): ResultRow {
  return {
    id: current?.id ?? null, api: r.api, key: resultKey(r), status: r.status, resultCode: r.resultCode, transactionId: r.transactionId,
    amountCents: r.amountCents ?? current?.amountCents ?? null,
    originatorConversationId: r.originatorConversationId ?? current?.originatorConversationId ?? null,
    conversationId: r.conversationId ?? current?.conversationId ?? null,
    creditParty: r.creditParty ?? current?.creditParty ?? null, debitParty: r.debitParty ?? current?.debitParty ?? null,
    supersededStatus: current?.supersededStatus ?? null, conflictCount: current?.conflictCount ?? 0,
    lastConflictCode: current?.lastConflictCode ?? null, requestId,
  };
}
