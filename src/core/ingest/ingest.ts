// One callback, one straight path: raw text → JSON → validated STK callback → shared transaction → reply.
import type { ConsolaInstance } from "consola";
import { parseJson, parseStkCallback, type StkCallback } from "../daraja/parse-stk.ts";
import { formatKes } from "../money.ts";
import { maskPhone } from "../phone.ts";
import { isAppError } from "../errors.ts";
import { GroupCommit } from "./group-commit.ts";
import { httpStatusOf, rejectionStatus, type CallbackRequest, type IngestItem, type ItemOutcome } from "./batch-plan.ts";
import type { CallbackStore } from "../store/callback-store.ts";
import type { Spool } from "../spool/spool.ts";

export interface IngestReply {
  status: 200 | 400 | 403 | 413 | 415 | 503;
  body: Record<string, unknown>;
}

export interface IngestOptions {
  store: CallbackStore;
  spool: Spool; // where callbacks go while the database cannot take them
  maxBatch: number;
  windowMs: number;
  writers: number; // transactions in flight at once
  logger: ConsolaInstance;
}

export interface Ingest {
  handle(request: CallbackRequest): Promise<IngestReply>;
  drain(): Promise<void>;
  counts(): Readonly<Record<ItemOutcome | "unavailable", number>>;
}

export function createIngest(options: IngestOptions): Ingest {
  const { logger } = options;
  const { spool } = options;
  let outage = false;

  // The database first; when it is unreachable, the spool (fsync'd) — and the spool as long as it holds anything,
  // so that callbacks still reach the database in arrival order.
  async function write(items: IngestItem[]): Promise<ItemOutcome[]> {
    if (spool.stats().depth === 0) {
      try {
        const outcomes = await options.store.writeBatch(items);
        if (outage) logger.info("the database takes callbacks again");
        outage = false;
        return outcomes;
      } catch (e) {
        if (!(isAppError(e) && e.kind === "database")) throw e;
        if (!outage) logger.error(`${e.message}; keeping callbacks in the spool at ${spool.dir} until it is back`);
        outage = true;
      }
    }
    await spool.append(items.map((i) => i.request));
    return items.map((i) => (i.parsed.ok ? "spooled" : "rejected"));
  }

  const committer = new GroupCommit<IngestItem, ItemOutcome>({
    write,
    keyOf: (item) => (item.parsed.ok ? item.parsed.value.checkoutRequestId : null),
    maxBatch: options.maxBatch, windowMs: options.windowMs, concurrency: options.writers,
  });
  const counts: Record<ItemOutcome | "unavailable", number> = {
    new: 0, updated: 0, duplicate: 0, "late-success": 0, conflict: 0, rejected: 0, refused: 0, quarantined: 0, spooled: 0, unavailable: 0,
  };

  async function handle(request: CallbackRequest): Promise<IngestReply> {
    const item = toItem(request);
    let outcome: ItemOutcome;
    try {
      outcome = await committer.submit(item);
    } catch (e) {
      counts.unavailable++;
      logger.error(isAppError(e) ? e.message : `storing a callback failed: ${String(e)}`);
      return { status: 503, body: { ResultCode: 1, ResultDesc: "Temporarily unable to store the callback; it was not accepted" } };
    }
    counts[outcome]++;
    report(item, outcome);
    return reply(item, outcome);
  }

  function report(item: IngestItem, outcome: ItemOutcome): void {
    if (!item.parsed.ok) {
      logger.info(`rejected a callback from ${item.request.sourceIp ?? "?"}: ${item.parsed.problems.map((p) => `${p.path} ${p.message}`).join("; ")}`);
      return;
    }
    const review = outcome === "conflict" || outcome === "late-success" || outcome === "quarantined";
    // A payment reaching its outcome is a money event: one info line each, phone masked (DESIGN.md promise 7).
    const money = outcome === "new" || outcome === "updated";
    const level = review ? WARN : money ? INFO : DEBUG;
    if (logger.level < level) return; // the hot path: no line is built that nobody will print
    const line = describeCallback(item.parsed.value, outcome);
    if (review) logger.warn(`${line}: needs review`);
    else if (money) logger.info(line);
    else logger.debug(line);
  }

  return { handle, drain: () => committer.drain(), counts: () => ({ ...counts }) };
}

const [WARN, INFO, DEBUG] = [1, 3, 4]; // consola's levels

/** `payment ws_CO_… Success KES 1,500.00 receipt TEI… phone 2547******01 (new)`: what an operator greps for. */
function describeCallback(cb: StkCallback, outcome: ItemOutcome): string {
  const facts = [
    cb.amountCents === null ? null : formatKes(cb.amountCents),
    cb.receipt === null ? null : `receipt ${cb.receipt}`,
    cb.phone === null ? null : `phone ${maskPhone(cb.phone)}`,
  ].filter((f) => f !== null);
  return `payment ${cb.checkoutRequestId} ${cb.status} (code ${cb.resultCode})${facts.length > 0 ? ` ${facts.join(" ")}` : ""}: ${outcome}`;
}

/** Raw request → parsed item; the same for live requests and for replays from the spool. */
export function toItem(request: CallbackRequest): IngestItem {
  const refused = request.edgeProblems ?? [];
  if (refused.length > 0) return { request, parsed: { ok: false, problems: [...refused] } };
  const json = parseJson(request.rawBody);
  return { request, parsed: json.ok ? parseStkCallback(json.value) : json };
}

function reply(item: IngestItem, outcome: ItemOutcome): IngestReply {
  if (!item.parsed.ok) {
    return { status: rejectionStatus(item.parsed.problems), body: { ResultCode: 1, ResultDesc: "Rejected: not an identifiable STK callback", errors: item.parsed.problems } };
  }
  if (outcome === "refused") {
    return { status: 403, body: { ResultCode: 1, ResultDesc: "Rejected: no payment request of ours has this CheckoutRequestID (unsolicited)", CheckoutRequestID: item.parsed.value.checkoutRequestId, outcome } };
  }
  const desc = outcome === "quarantined" ? "Accepted; kept for review" : "Accepted";
  return {
    status: httpStatusOf(outcome) as 200,
    body: { ResultCode: 0, ResultDesc: desc, CheckoutRequestID: item.parsed.value.checkoutRequestId, outcome },
  };
}

