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
  verdictDetail?: string | null; // what Daraja's confirmation said (transactions.verdict_detail)
}

/** The callback that caused the notification (its callback_logs row). */
export interface TriggerView {
  outcome: string | null; // new, updated, late-success, conflict
  receivedAt: Date | null;
  callback: StkCallback | null; // its raw body parsed again; null when it no longer parses
  fromQuery?: boolean; // not a callback: `mpesa-cb reconcile` recorded Daraja's answer to a query (callback holds it)
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

/** A request the business made of a Result-family API, as stored (daraja_results): a B2C payout, a B2B payment, a
 * transaction status or account balance query, a reversal. Its status follows the callbacks that have come since. */
export interface ResultView {
  api: string; // b2c, b2b, status, balance or reversal
  originatorConversationId: string | null;
  conversationId: string | null;
  transactionId: string | null; // the receipt; a placeholder on failures
  resultCode: string | null;
  resultDesc: string | null;
  status: string; // Success, Failed, Timeout or Unknown
  supersededStatus: string | null; // Timeout, when a result came after the timeout
  amountCents: number | null;
  creditParty: string | null; // who received: "254700000004 - NAME"
  debitParty: string | null;
  completedAt: Date | null; // UTC
  parameters: Record<string, string>; // every ResultParameter by key (no secrets: the parser drops them)
  verdict: string | null; // b2c: matched, mismatch or unsolicited
  conflictCount: number;
  lastConflictCode: string | null; // the code of the last callback that disagreed
}

/** The payout the business asked for (b2c_requests), found by OriginatorConversationID. */
export interface B2cRequestView {
  amountCents: number | null;
  phone: string;
  purpose: string | null;
}

/** One account a result reported (account_balances). */
export interface AccountBalanceView {
  accountType: string; // Working Account, Utility Account, …
  currency: string;
  availableCents: number;
  reportedAt: Date | null; // UTC
}

/** A watched account's low-balance state (low_balance_state) as it is now. */
export interface LowBalanceView {
  accountType: string;
  availableCents: number | null;
  updatedAt: Date | null;
}

export interface ResultNotificationView {
  family: "result";
  kind: NotificationKind; // admin or conflict: results send no receipts
  // admin: status:<Status>, low-balance:<Utility|Working>:<n>; conflict: late-result, conflict:<n>, verdict:<verdict>
  eventKey: string;
  result: ResultView;
  request: B2cRequestView | null; // b2c only
  balances: AccountBalanceView[]; // the accounts this result reported, in the order stored
  lowBalance: LowBalanceView | null; // read for a low-balance alert only
}

/** Any notification the outbox holds, by family. */
export type OutboxView = NotificationView | C2bNotificationView | ResultNotificationView;
