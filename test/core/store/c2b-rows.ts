// Test helpers for C2B outbox tests: a c2b_payments row written by hand (the C2B store is not needed to test the
// outbox), and its outbox events queued as the C2B store queues them, in one transaction.
import type { Database } from "../../../src/core/store/database.ts";
import { c2bOutboxStatements, type C2bEvent } from "../../../src/core/store/c2b-outbox-sql.ts";

export interface C2bRow {
  transId: string;
  transactionType?: string | null;
  transTime?: string | null; // UTC, `YYYY-MM-DD HH:MM:SS`
  amount?: string | null;
  businessShortCode?: string | null;
  billRefNumber?: string | null;
  msisdn?: string | null;
  msisdnKind?: string | null;
  firstName?: string | null;
  status?: "Paid" | "Unknown";
  checkoutRequestId?: string | null;
  validationRejected?: boolean;
}

export async function insertC2bPayment(db: Database, row: C2bRow): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO c2b_payments (trans_id, transaction_type, trans_time, amount, business_short_code, bill_ref_number, msisdn, msisdn_kind,
       first_name, status, checkout_request_id, validation_rejected, request_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    { replacements: [
      row.transId, row.transactionType ?? "Pay Bill", row.transTime ?? "2025-01-15 07:31:12", row.amount ?? "1500.00",
      row.businessShortCode ?? "600984", row.billRefNumber ?? "INV-7", row.msisdn ?? "254712345678", row.msisdnKind ?? "plain",
      row.firstName ?? "Amina", row.status ?? "Paid", row.checkoutRequestId ?? null, row.validationRejected ? 1 : 0, crypto.randomUUID(),
    ] },
  );
}

export async function insertValidation(db: Database, transId: string, resultCode: string, rule: string, fallback = false): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO c2b_validations (trans_id, accepted, result_code, rule, fallback, decided_at) VALUES (?, 0, ?, ?, ?, '2025-01-15 07:31:10')`,
    { replacements: [transId, resultCode, rule, fallback ? 1 : 0] },
  );
}

/** Queues C2B events as the C2B store does: inside a transaction, after the c2b_payments rows. */
export async function queueC2bEvents(db: Database, events: C2bEvent[]): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    for (const s of c2bOutboxStatements(db.dialect, events)) await db.sequelize.query(s.sql, { replacements: s.values, transaction });
  });
}

export function c2bEvent(transId: string, kind: C2bEvent["kind"], chat: string, eventKey = kind === "conflict" ? "validation-rejected" : "status:Paid"): C2bEvent {
  return { transId, kind, eventKey, requestId: crypto.randomUUID(), chat };
}

let seq = 0;
/** A fresh M-Pesa receipt (TransID) per call: ten characters, as Safaricom's are. */
export function uniqueReceipt(): string {
  return `T${Date.now().toString(36).slice(-5).toUpperCase()}${(seq++ % 1296).toString(36).toUpperCase().padStart(2, "0")}${Math.random().toString(36).slice(2, 4).toUpperCase()}`;
}
