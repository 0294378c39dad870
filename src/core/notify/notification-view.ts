// What a message is rendered from: the stored payment, the callback that caused the notification, and who it is for.
// One view per callback family; the worker renders an OutboxView, whichever family queued it.
import type { StkCallback } from "../daraja/stk/parse-stk.ts";
import type { NotificationKind } from "./notification-plan.ts";

/** A payment outcome's facts, as stored or as one callback reported them. */
export interface PaymentFacts {
  status: string;
  resultCode: string | null;
  resultDesc: string | null;
  amountCents: number | null;
  receipt: string | null;
  phone: string | null;
  paidAt: Date | null; // UTC
}

/** The payment as stored now. */
export interface PaymentView extends PaymentFacts {
  checkoutRequestId: string;
  supersededStatus: string | null;
  conflictCount: number;
  verdict?: string | null; // matched, mismatch, unsolicited, pending, verified, unverifiable (issue 7)
}

/** The callback that caused the notification (its callback_logs row). */
export interface TriggerView {
  outcome: string | null; // new, updated, late-success, conflict
  receivedAt: Date | null;
  callback: StkCallback | null; // its raw body parsed again; null when it no longer parses
}

/** An STK notification. `family` may be left out: STK was the first family, and its views predate the field. */
export interface NotificationView {
  family?: "stk";
  kind: NotificationKind;
  eventKey: string;
  payment: PaymentView;
  trigger: TriggerView | null;
  accountReference: string | null; // payment_requests.account_reference
  payerName: string | null; // users.first_name of a receipt's recipient
}

/** A C2B (PayBill or till) payment as stored (c2b_payments). */
export interface C2bPaymentView {
  transId: string; // the M-Pesa receipt
  transactionType: string | null; // "Pay Bill", "Buy Goods"
  status: string; // Paid, or Unknown without a usable amount
  amountCents: number | null;
  billRefNumber: string | null; // the account the payer typed
  businessShortCode: string | null;
  msisdn: string | null; // as Safaricom sent it
  msisdnKind: string | null; // plain, masked or hashed
  firstName: string | null; // the payer's, as Safaricom sent it
  paidAt: Date | null; // trans_time, UTC
  checkoutRequestId: string | null; // the STK payment with the same receipt, when there is one
}

/** The answer our validation gave a payment (c2b_validations). */
export interface ValidationAnswerView {
  resultCode: string; // C2B000NN
  rule: string; // the rule that decided
  fallback: boolean; // the database did not answer in time: MPESA_CB_C2B_VALIDATION_FALLBACK answered
}

export interface C2bNotificationView {
  family: "c2b";
  kind: NotificationKind;
  eventKey: string; // admin: status:Paid or status:Unknown; receipt: status:Paid; conflict: validation-rejected
  payment: C2bPaymentView;
  validation: ValidationAnswerView | null; // read for the conflict alert only
  payerName: string | null; // users.first_name of a receipt's recipient
}

/** Any notification the outbox holds, by family. */
export type OutboxView = NotificationView | C2bNotificationView;
