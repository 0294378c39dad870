// Writes C2B confirmations: one row per TransID (a repeat is a duplicate), linked to the STK payment that holds the
// same receipt, with the admin alert and the payer's receipt queued in the same transaction (DESIGN.md promise 5).
import { QueryTypes } from "sequelize";
import type { Database } from "./database.ts";
import { COMMIT, onScriptConnection, runScript, runSql, START_TRANSACTION, type SqlStatement } from "./raw-sql.ts";
import { txOptionsFor, writeWithRetries, type BatchRunner } from "./batch-runner.ts";
import { insertLogsSql, logValues } from "./callback-log-sql.ts";
import { c2bStatus, insertC2bSql, insertC2bValues, selectC2bSql, selectRejectedSql, selectStkByReceiptSql, type C2bInsert } from "./c2b-sql.ts";
import { findPayerChats, HashedPhones, isHashed, payerChats, plainPayerLookup } from "./c2b-payer.ts";
import { c2bOutboxStatements, type C2bEvent } from "./c2b-outbox-sql.ts";
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";
import type { FamilyStore } from "../ingest/ingest.ts";
import { NOTIFICATIONS_OFF, type NotifyTargets } from "../notify/notification-plan.ts";

type Item = IngestItem<C2bPayment>;
const NO_HASHES: ReadonlyMap<string, string> = new Map();
type Run = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

/** new: a payment; linked: the same receipt as an STK payment (one payment); duplicate: a repeat; rejected: 400. */
export type C2bOutcome = "new" | "linked" | "duplicate" | "rejected" | "quarantined";

export function createC2bStore(db: Database, options: { notify?: NotifyTargets } = {}): FamilyStore {
  const targets = options.notify ?? NOTIFICATIONS_OFF;
  const txOptions = txOptionsFor(db);
  const galera = db.galera === true;
  const wantsReceipts = targets.receipts; // the payers are looked up only when they get receipts
  const hashes = new HashedPhones((sql, values) => db.sequelize.query<Record<string, unknown>>(sql, { replacements: values, type: QueryTypes.SELECT }));
  // The payers of hashed MSISDNs, read before a batch's transaction opens (HashedPhones): only when receipts go out.
  const hashedPayers = (items: readonly Item[]): Promise<ReadonlyMap<string, string>> =>
    wantsReceipts && items.some((i) => i.parsed.ok && c2bStatus(i.parsed.value) === "Paid" && isHashed(i.parsed.value)) ? hashes.get() : Promise.resolve(NO_HASHES);

  // SQLite: through sequelize, a statement at a time.
  async function writeOnce(items: readonly Item[]): Promise<string[]> {
    const byHash = await hashedPayers(items);
    return db.sequelize.transaction(txOptions, async (tx) => {
      const run: Run = (sql, values) => runSql(db.dialect, tx, sql, values);
      const keys = keysOf(items);
      const reads: Record<string, unknown>[][] = [];
      for (const st of keys.length === 0 ? [] : readStatements(keys, false)) reads.push(await run(st.sql, st.values));
      const planned = plan(items, knownFrom(reads));
      const paid = paidOf(planned.inserts);
      const payers = wantsReceipts && paid.length > 0 ? await findPayerChats(run, paid, byHash) : new Map<string, string>();
      for (const st of writeStatements(items, planned, payers)) await run(st.sql, st.values);
      return planned.outcomes;
    });
  }

  // MySQL: two round trips on one connection — the transaction opened with every read (the batch's payments locked,
  // their STK twins, refused validations, the payers), then every write and the COMMIT (runScript). Text protocol, as
  // the STK store: a prepared statement per IN-list length cost a PREPARE round trip for most batches.
  async function writeScript(items: readonly Item[]): Promise<string[]> {
    const keys = keysOf(items);
    const payerLookup = wantsReceipts ? plainPayerLookup(items.flatMap((i) => (i.parsed.ok && c2bStatus(i.parsed.value) === "Paid" ? [i.parsed.value] : []))) : null;
    const byHash = await hashedPayers(items);
    return onScriptConnection(db.sequelize, async (query) => {
      const reads = [...(keys.length === 0 ? [] : readStatements(keys, true)), ...(payerLookup === null ? [] : [payerLookup])];
      const results = await runScript(query, [START_TRANSACTION, ...reads], galera);
      const rows = results.slice(1) as Record<string, unknown>[][];
      const planned = plan(items, knownFrom(keys.length === 0 ? [] : rows.slice(0, 3)));
      const paid = paidOf(planned.inserts);
      const payers = payerChats(paid, payerLookup === null ? [] : (rows.at(-1) ?? []), byHash);
      await runScript(query, [...writeStatements(items, planned, payers), COMMIT], galera);
      return planned.outcomes;
    });
  }

  // The payment rows, the log rows and the notifications of a planned batch, in that order.
  function writeStatements(items: readonly Item[], planned: Planned, payers: ReadonlyMap<string, string>): SqlStatement[] {
    const { outcomes, inserts } = planned;
    return [
      ...(inserts.length === 0 ? [] : [{ sql: insertC2bSql(inserts.length), values: inserts.flatMap(insertC2bValues) }]),
      { sql: insertLogsSql(items.length), values: items.flatMap((item, i) => logValues(item, outcomes[i] ?? "rejected")) },
      ...c2bOutboxStatements(db.dialect, eventsFor(inserts, payers)),
    ];
  }

  // The admin hears of every new payment (an STK payment with the same receipt already told them: the notifications'
  // unique receipt key then skips this one), and of a payment our validation had refused; the payer gets a receipt.
  function eventsFor(inserts: readonly C2bInsert[], payers: ReadonlyMap<string, string>): C2bEvent[] {
    if (inserts.length === 0 || (targets.adminChatId === null && !targets.receipts)) return [];
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
    db, writeOnce: (items) => (db.dialect === "mysql" ? writeScript(items) : writeOnce(items)),
  };
  return { writeBatch: (items) => writeWithRetries(runner, items as readonly Item[]) };
}

interface StkLink {
  checkoutRequestId: string;
  verdict: string | null;
}

interface Known {
  stored: Set<string>;
  stk: Map<string, StkLink>;
  rejected: Set<string>;
}

interface Planned {
  outcomes: C2bOutcome[];
  inserts: C2bInsert[];
}

function keysOf(items: readonly Item[]): string[] {
  return [...new Set(items.flatMap((i) => (i.parsed.ok ? [i.parsed.value.transId] : [])))];
}

// What is stored of these TransIDs: their payments (locked on MySQL), STK payments with the same receipt, refused
// validations. knownFrom reads the rows of these three, in this order.
function readStatements(keys: string[], forUpdate: boolean): SqlStatement[] {
  return [selectC2bSql(keys.length, forUpdate), selectStkByReceiptSql(keys.length), selectRejectedSql(keys.length)].map((sql) => ({ sql, values: keys }));
}

function knownFrom(rows: readonly Record<string, unknown>[][]): Known {
  const [stored = [], stk = [], rejected = []] = rows;
  return {
    stored: new Set(stored.map((r) => String(r.trans_id))),
    stk: new Map(stk.map((r): [string, StkLink] =>
      [String(r.receipt), { checkoutRequestId: String(r.checkout_request_id), verdict: r.verdict === null || r.verdict === undefined ? null : String(r.verdict) }])),
    rejected: new Set(rejected.map((r) => String(r.trans_id))),
  };
}

// Pure: each item's outcome over what is stored, and the rows to insert; a second copy in the batch is a duplicate.
function plan(items: readonly Item[], known: Known): Planned {
  const stored = new Set(known.stored);
  const inserts: C2bInsert[] = [];
  const outcomes = items.map((item): C2bOutcome => {
    if (!item.parsed.ok) return "rejected";
    const p = item.parsed.value;
    if (stored.has(p.transId)) return "duplicate";
    stored.add(p.transId);
    const linked = known.stk.get(p.transId) ?? null;
    inserts.push({ payment: p, linkedCheckoutRequestId: linked?.checkoutRequestId ?? null, linkedVerdict: linked?.verdict ?? null, validationRejected: known.rejected.has(p.transId), requestId: item.request.id });
    return linked === null ? "new" : "linked";
  });
  return { outcomes, inserts };
}

function paidOf(inserts: readonly C2bInsert[]): C2bPayment[] {
  return inserts.filter((w) => c2bStatus(w.payment) === "Paid").map((w) => w.payment);
}
