// What a message is rendered from: the stored payment, the callback that caused the notification, and who it is for.
import type { StkCallback } from "../daraja/parse-stk.ts";
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

export interface NotificationView {
  kind: NotificationKind;
  eventKey: string;
  payment: PaymentView;
  trigger: TriggerView | null;
  accountReference: string | null; // payment_requests.account_reference
  payerName: string | null; // users.first_name of a receipt's recipient
}
