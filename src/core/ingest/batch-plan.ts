// Pure: folds a batch of callbacks over the stored payments, in arrival order, into the rows to write.
// The result is exactly what processing the callbacks one by one would give (issue: group commit).
import type { Problem, Result } from "../result.ts";
import type { StkCallback } from "../daraja/stk/parse-stk.ts";
import { decideCallback, type Outcome, type StoredPayment } from "../payment-state.ts";

/** One request that reached a callback route, as received. */
export interface CallbackRequest {
  id: string; // given on arrival; a replay from the spool keeps it
  receivedAt: Date;
  sourceIp: string | null; // the client, behind trusted proxies
  sourceVerdict?: "unchecked" | "listed" | "unlisted"; // the allowlist's word on sourceIp
  family?: string; // the callback family that received it (absent: "stk", as before there were others)
  route: string;
  rawBody: string;
  // What the edge refused before parsing (source, content type, bytes): kept with the request, through the spool too,
  // so that a replayed request gets the outcome it had live and a refused callback never becomes a payment.
  edgeProblems?: readonly Problem[];
  // A family that answers with a decision (C2B validation) keeps it with the request, through the spool too, so that
  // what is recorded is what Daraja was told.
  decision?: Decision;
}

/** The merchant's answer to a request that asks for one: accepted, or rejected with a documented code. */
export interface Decision {
  accept: boolean;
  code: string; // "0", or e.g. C2B00012
  rule: string; // the rule that decided
  fallback: boolean; // the database did not answer in time: MPESA_CB_C2B_VALIDATION_FALLBACK decided
}

export interface IngestItem<R = StkCallback> {
  request: CallbackRequest;
  parsed: Result<R>;
}

export type ItemOutcome = Outcome | "rejected" | "refused" | "quarantined" | "spooled";

/** Rejected: cannot be identified (400, or the edge's own status). Refused: an unsolicited success, by configuration
 * (403). Others: 200. */
export function httpStatusOf(outcome: string, problems: readonly Problem[] = []): 200 | 400 | 403 | 413 | 415 {
  return outcome === "rejected" ? rejectionStatus(problems) : outcome === "refused" ? 403 : 200;
}

/** A refusal at the edge keeps its own status: 403 for a source the allowlist refuses, 413 for a body over the limit,
 * 415 for a body that is not JSON by its type; any other rejection is 400. */
export function rejectionStatus(problems: readonly Problem[]): 400 | 403 | 413 | 415 {
  const has = (path: string) => problems.some((p) => p.path === path);
  return has(SOURCE_PROBLEM) ? 403 : has(BODY_SIZE_PROBLEM) ? 413 : has(CONTENT_TYPE_PROBLEM) ? 415 : 400;
}

export const SOURCE_PROBLEM = "(source)";
export const BODY_SIZE_PROBLEM = "(size)";
export const CONTENT_TYPE_PROBLEM = "(content-type)";


/** A row of `transactions` to insert or update; `source` is the callback whose fields the row now holds. */
export interface PaymentWrite {
  checkoutRequestId: string;
  mode: "insert" | "update";
  source: StkCallback | null; // null: fields unchanged, only conflict columns move
  conflictCount: number;
  supersededStatus: string | null;
  lastConflictCode: string | null;
}

export interface BatchPlan {
  outcomes: ItemOutcome[];
  writes: Map<string, PaymentWrite>; // by CheckoutRequestID, in first-seen order
  after: (StoredPayment | null)[]; // per item: the payment as that item left it (null: rejected)
}

export function planBatch(items: readonly IngestItem[], stored: ReadonlyMap<string, StoredPayment>): BatchPlan {
  const current = new Map(stored);
  const writes = new Map<string, PaymentWrite>();
  const after: (StoredPayment | null)[] = [];
  const outcomes = items.map((item, i): ItemOutcome => {
    after[i] = null;
    if (!item.parsed.ok) return "rejected";
    const cb = item.parsed.value;
    const key = cb.checkoutRequestId;
    const decision = decideCallback(current.get(key), cb);
    const change = decision.change;
    after[i] = change.kind === "none" ? (current.get(key) ?? null) : change.payment;
    if (change.kind === "none") return decision.outcome;
    current.set(key, change.payment);
    const previous = writes.get(key);
    const mode = previous?.mode ?? (change.kind === "insert" ? "insert" : "update");
    writes.set(key, {
      checkoutRequestId: key,
      mode,
      source: change.kind === "flag" ? (previous?.source ?? null) : cb,
      conflictCount: change.payment.conflictCount,
      supersededStatus: change.kind === "update" ? change.supersededStatus : (previous?.supersededStatus ?? null),
      lastConflictCode: change.kind === "flag" ? change.conflictCode : outcomeConflictCode(decision.outcome, cb, previous),
    });
    return decision.outcome;
  });
  return { outcomes, writes, after };
}

function outcomeConflictCode(outcome: Outcome, cb: StkCallback, previous: PaymentWrite | undefined): string | null {
  return outcome === "late-success" ? cb.resultCode : (previous?.lastConflictCode ?? null);
}
