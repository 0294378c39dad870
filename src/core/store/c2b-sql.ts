// The statements that store C2B confirmations, and the values for them: one place maps C2bPayment to columns.
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import { inList, rowPlaceholders } from "./raw-sql.ts";
import { centsToDecimal } from "./callback-sql.ts";
import { toSqlUtc } from "../time.ts";

export const selectC2bSql = (keys: number, forUpdate: boolean) =>
  `SELECT trans_id FROM c2b_payments WHERE trans_id IN (${inList(keys)})${forUpdate ? " FOR UPDATE" : ""}`;

/** STK payments that already hold one of these receipts: the C2B confirmation is the same payment (SPEC §4.5). */
export const selectStkByReceiptSql = (keys: number) =>
  `SELECT mpesa_receipt_number AS receipt, checkout_request_id, verdict FROM transactions WHERE mpesa_receipt_number IN (${inList(keys)})`;

export const selectRejectedSql = (keys: number) =>
  `SELECT trans_id FROM c2b_validations WHERE accepted = 0 AND trans_id IN (${inList(keys)})`;

const COLUMNS = `(trans_id, transaction_type, trans_time, amount, business_short_code, bill_ref_number, invoice_number,
  org_account_balance, third_party_trans_id, msisdn, msisdn_kind, first_name, middle_name, last_name, status,
  checkout_request_id, validation_rejected, request_id)`;

export const insertC2bSql = (rows: number) => `INSERT INTO c2b_payments ${COLUMNS} VALUES ${rowPlaceholders(rows, 18)}`;

export interface C2bInsert {
  payment: C2bPayment;
  linkedCheckoutRequestId: string | null;
  linkedVerdict: string | null; // the linked STK payment's verdict: a mismatch or one still pending gets no receipt
  validationRejected: boolean;
  requestId: string;
}

/** A confirmation without a usable amount is kept, but never counted as paid. */
export function c2bStatus(p: C2bPayment): "Paid" | "Unknown" {
  return p.amountCents !== null && p.amountCents > 0 ? "Paid" : "Unknown";
}

export function insertC2bValues(w: C2bInsert): unknown[] {
  const p = w.payment;
  return [
    p.transId, p.transactionType, p.transTime === null ? null : toSqlUtc(p.transTime), centsToDecimal(p.amountCents),
    p.businessShortCode, p.billRefNumber, p.invoiceNumber, centsToDecimal(p.orgAccountBalanceCents), p.thirdPartyTransId,
    p.msisdn, p.msisdnKind, p.firstName, p.middleName, p.lastName, c2bStatus(p), w.linkedCheckoutRequestId,
    w.validationRejected ? 1 : 0, w.requestId,
  ];
}

/** An STK success stored after the C2B confirmation of the same receipt: link the two (one payment). */
export const linkStkSql = (keys: number) => `UPDATE c2b_payments SET checkout_request_id =
  (SELECT t.checkout_request_id FROM transactions t WHERE t.mpesa_receipt_number = c2b_payments.trans_id)
  WHERE checkout_request_id IS NULL AND trans_id IN (${inList(keys)})`;
