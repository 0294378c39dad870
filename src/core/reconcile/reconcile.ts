// One reconciliation pass (issue 13 item 1): asks Daraja about every payment whose callback never came (and every
// stored Unknown), records each final answer as the payment's outcome, and reports what is left unresolved.
import type { Database } from "../store/database.ts";
import type { NotifyTargets } from "../notify/notification-plan.ts";
import type { StkQueryAnswer } from "../daraja-api/stk-answer.ts";
import { findCandidates, type Candidate } from "./reconcile-sql.ts";
import { decideNow, recordAnswer } from "./reconcile-write.ts";
import { decideQueryAnswer, type ReconcileAction } from "./reconcile-decide.ts";

/** What happened to one payment. `expired`: unresolved, and now past the maximum age: no longer asked about. */
export type ReconcileResult = "recovered" | "conflict" | "already-final" | "pending" | "unresolved" | "unreachable" | "expired";

export interface ReconcileItem {
  checkoutRequestId: string;
  storedStatus: string | null; // before the pass; null: no transactions row
  result: ReconcileResult;
  status: string | null; // the outcome Daraja named (recovered, conflict, already-final)
  resultCode: string | null;
  detail: string;
}

export interface ReconcileReport {
  dryRun: boolean;
  checked: number;
  recovered: number;
  conflicts: number;
  alreadyFinal: number;
  unresolved: number; // pending + unresolved + unreachable + expired: exit 1 when not 0
  unreachable: number; // Daraja could not be asked (network, HTTP error, OAuth)
  expired: number; // passed the maximum age since the last pass: reported once, no longer asked about
  items: ReconcileItem[];
}

export interface ReconcilePass {
  db: Database;
  query(checkoutRequestId: string): Promise<StkQueryAnswer>;
  notify: NotifyTargets;
  afterMs: number;
  maxAgeMs: number; // a payment requested longer ago is not asked about (Daraja no longer answers for it)...
  since?: Date | null; // ...unless `since` names an earlier time: only payments requested since then (default: maxAgeMs ago)
  // Without `since`: the unresolved payments that passed the maximum age within this much before the pass (the time
  // between two passes) are reported once more, as `expired`, so that giving up on one is said, not silent.
  expiredWithinMs?: number;
  limit?: number; // default 500
  dryRun?: boolean;
  onResult?: (item: ReconcileItem) => void; // each payment as it is settled, e.g. for metrics
}

export const DEFAULT_LIMIT = 500;

export async function runReconcile(p: ReconcilePass): Promise<ReconcileReport> {
  const since = p.since ?? new Date(Date.now() - p.maxAgeMs);
  const limit = p.limit ?? DEFAULT_LIMIT;
  const candidates = await findCandidates(p.db, { afterMs: p.afterMs, since, limit });
  const items: ReconcileItem[] = [];
  if (p.since == null && p.expiredWithinMs !== undefined && p.expiredWithinMs > 0) {
    const aged = await findCandidates(p.db, { afterMs: p.afterMs, since: new Date(since.getTime() - p.expiredWithinMs), before: since, limit });
    for (const c of aged) {
      const item = expired(c, p.maxAgeMs);
      items.push(item);
      p.onResult?.(item);
    }
  }
  let failures = 0; // in a row: Daraja is down or the credentials are wrong, and each further query would wait too
  // One after the other: the query client paces calls anyway, and a pass stays gentle on the database.
  for (const c of candidates) {
    const item = failures >= GIVE_UP_AFTER ? notAsked(c) : await reconcileOne(p, c);
    failures = item.result === "unreachable" ? failures + 1 : 0;
    items.push(item);
    p.onResult?.(item);
  }
  return summarise(items, p.dryRun === true);
}

/** Consecutive failed queries after which a pass stops asking (the rest are unresolved, asked next time). */
export const GIVE_UP_AFTER = 3;

async function reconcileOne(p: ReconcilePass, c: Candidate): Promise<ReconcileItem> {
  const answer = await p.query(c.checkoutRequestId);
  if (answer.kind !== "final") return itemOf(c, decideQueryAnswer(undefined, answer), answer);
  const action = p.dryRun ? await decideNow(p.db, c, answer) : await recordAnswer(p.db, { candidate: c, answer, notify: p.notify });
  return itemOf(c, action, answer);
}

function expired(c: Candidate, maxAgeMs: number): ReconcileItem {
  const age = maxAgeMs % 86_400_000 === 0 ? `${maxAgeMs / 86_400_000} day(s)` : `${Math.round(maxAgeMs / 3_600_000)} hour(s)`;
  return {
    checkoutRequestId: c.checkoutRequestId, storedStatus: c.storedStatus, result: "expired", status: null, resultCode: null,
    detail: `no final answer within ${age} (MPESA_CB_RECONCILE_MAX_AGE_S): no longer asked about — settle it in M-Pesa's portal, or ask once more with reconcile --since`,
  };
}

function notAsked(c: Candidate): ReconcileItem {
  return { checkoutRequestId: c.checkoutRequestId, storedStatus: c.storedStatus, result: "unreachable", status: null, resultCode: null, detail: `not asked: the last ${GIVE_UP_AFTER} queries failed` };
}

function itemOf(c: Candidate, action: ReconcileAction, answer: StkQueryAnswer): ReconcileItem {
  const base = { checkoutRequestId: c.checkoutRequestId, storedStatus: c.storedStatus, resultCode: answer.kind === "final" ? answer.resultCode : null };
  switch (action.kind) {
    case "record":
      return { ...base, result: "recovered", status: action.status, detail: `callback missing — recovered by query: ${action.status}${c.storedStatus ? ` (was ${c.storedStatus})` : ""}` };
    case "conflict":
      return { ...base, result: "conflict", status: action.status, detail: `Daraja says ${action.status}, stored state kept: conflict alert` };
    case "already-final":
      return { ...base, result: "already-final", status: action.status, detail: `already ${action.status} (its callback arrived)` };
    case "unresolved":
      return { ...base, result: action.reason === "pending" ? "pending" : action.reason === "error" ? "unreachable" : "unresolved", status: null, detail: action.detail };
  }
}

function summarise(items: ReconcileItem[], dryRun: boolean): ReconcileReport {
  const count = (...r: ReconcileResult[]) => items.filter((i) => r.includes(i.result)).length;
  return {
    dryRun, checked: items.length, recovered: count("recovered"), conflicts: count("conflict"), alreadyFinal: count("already-final"),
    unresolved: count("pending", "unresolved", "unreachable", "expired"), unreachable: count("unreachable"), expired: count("expired"), items,
  };
}
