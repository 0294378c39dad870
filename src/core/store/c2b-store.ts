// Writes C2B confirmations: one row per TransID (a repeat is a duplicate), linked to the STK payment that holds the
// same receipt, with the admin alert and the payer's receipt queued in the same transaction (DESIGN.md promise 5).
import type { Database } from "./database.ts";
import { runSql } from "./raw-sql.ts";
import { txOptionsFor, writeWithRetries, type BatchRunner } from "./batch-runner.ts";
import { insertLogsSql, logValues } from "./callback-log-sql.ts";
import { c2bStatus, insertC2bSql, insertC2bValues, selectC2bSql, selectRejectedSql, selectStkByReceiptSql, type C2bInsert } from "./c2b-sql.ts";
import { findPayerChats, HashedPhones } from "./c2b-payer.ts";
import { c2bOutboxStatements, type C2bEvent } from "./c2b-outbox-sql.ts";
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";
import type { FamilyStore } from "../ingest/ingest.ts";
import { NOTIFICATIONS_OFF, type NotifyTargets } from "../notify/notification-plan.ts";

type Item = IngestItem<C2bPayment>;
type Run = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

/** new: a payment; linked: the same receipt as an STK payment (one payment); duplicate: a repeat; rejected: 400. */
export type C2bOutcome = "new" | "linked" | "duplicate" | "rejected" | "quarantined";

export function createC2bStore(db: Database, options: { notify?: NotifyTargets } = {}): FamilyStore {
  const targets = options.notify ?? NOTIFICATIONS_OFF;
  const hashes = new HashedPhones();
  const txOptions = txOptionsFor(db);

  async function writeOnce(items: readonly Item[]): Promise<string[]> {
    return db.sequelize.transaction(txOptions, async (tx) => {
      const run: Run = (sql, values) => runSql(db.dialect, tx, sql, values);
      const keys = [...new Set(items.flatMap((i) => (i.parsed.ok ? [i.parsed.value.transId] : [])))];
      const known = keys.length === 0 ? { stored: new Set<string>(), stk: new Map<string, StkLink>(), rejected: new Set<string>() } : await lookUp(run, keys, db.dialect === "mysql");
      const inserts: C2bInsert[] = [];
      const outcomes = items.map((item): C2bOutcome => {
        if (!item.parsed.ok) return "rejected";
        const p = item.parsed.value;
        if (known.stored.has(p.transId)) return "duplicate";
        known.stored.add(p.transId); // a second copy in this batch is a duplicate too
        const linked = known.stk.get(p.transId) ?? null;
        inserts.push({ payment: p, linkedCheckoutRequestId: linked?.checkoutRequestId ?? null, linkedVerdict: linked?.verdict ?? null, validationRejected: known.rejected.has(p.transId), requestId: item.request.id });
        return linked === null ? "new" : "linked";
      });
      if (inserts.length > 0) await run(insertC2bSql(inserts.length), inserts.flatMap(insertC2bValues));
      await run(insertLogsSql(items.length), items.flatMap((item, i) => logValues(item, outcomes[i] ?? "rejected")));
      const events = await eventsFor(run, inserts);
      for (const s of c2bOutboxStatements(db.dialect, events)) await run(s.sql, s.values);
      return outcomes;
    });
  }

  // The admin hears of every new payment (an STK payment with the same receipt already told them: the notifications'
  // unique receipt key then skips this one), and of a payment our validation had refused; the payer gets a receipt.
  async function eventsFor(run: Run, inserts: readonly C2bInsert[]): Promise<C2bEvent[]> {
    if (inserts.length === 0 || (targets.adminChatId === null && !targets.receipts)) return [];
    const paid = inserts.filter((w) => c2bStatus(w.payment) === "Paid").map((w) => w.payment);
    const payers = targets.receipts && paid.length > 0 ? await findPayerChats(run, paid, hashes) : new Map<string, string>();
    return inserts.flatMap((w): C2bEvent[] => {
      const { transId } = w.payment;
      const status = c2bStatus(w.payment);
      const events: C2bEvent[] = [];
      const base = { transId, requestId: w.requestId };
      if (targets.adminChatId !== null) {
        events.push({ ...base, kind: "admin", eventKey: `status:${status}`, chat: targets.adminChatId });
        if (w.validationRejected) events.push({ ...base, kind: "conflict", eventKey: "validation-rejected", chat: targets.adminChatId });
      }
      const payer = payers.get(transId);
      // As for STK: a payment that disagrees with our request, or waits for Daraja's word, gets no receipt.
      const held = w.linkedVerdict === "mismatch" || w.linkedVerdict === "pending";
      if (payer !== undefined && status === "Paid" && !held) events.push({ ...base, kind: "receipt", eventKey: "status:Paid", chat: payer });
      return events;
    });
  }

  const runner: BatchRunner<Item> = {
    db, writeOnce: (items) => writeOnce(items),
  };
  return { writeBatch: (items) => writeWithRetries(runner, items as readonly Item[]) };
}

interface StkLink {
  checkoutRequestId: string;
  verdict: string | null;
}

async function lookUp(run: Run, keys: string[], forUpdate: boolean) {
  const stored = new Set((await run(selectC2bSql(keys.length, forUpdate), keys)).map((r) => String(r.trans_id)));
  const stk = new Map((await run(selectStkByReceiptSql(keys.length), keys)).map((r): [string, StkLink] =>
    [String(r.receipt), { checkoutRequestId: String(r.checkout_request_id), verdict: r.verdict === null || r.verdict === undefined ? null : String(r.verdict) }]));
  const rejected = new Set((await run(selectRejectedSql(keys.length), keys)).map((r) => String(r.trans_id)));
  return { stored, stk, rejected };
}
