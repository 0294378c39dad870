// The C2B part of a claimed outbox row: its payment (c2b_payments) and, for the validation-rejected alert, the answer
// our validation gave (c2b_validations, by TransID).
import { parseAmountToCents } from "../money.ts";
import type { NotificationKind } from "../notify/notification-plan.ts";
import type { C2bNotificationView } from "../notify/notification-view.ts";
import { text, utc } from "./row-values.ts";

/** The columns outbox-rows.ts selects for C2B rows, aliased apart from the STK payment's. */
export const C2B_COLUMNS = `c.trans_id AS c2b_trans_id, c.transaction_type AS c2b_transaction_type, c.status AS c2b_status,
  c.amount AS c2b_amount, c.bill_ref_number AS c2b_bill_ref_number, c.business_short_code AS c2b_short_code, c.msisdn AS c2b_msisdn,
  c.msisdn_kind AS c2b_msisdn_kind, c.first_name AS c2b_first_name, c.trans_time AS c2b_trans_time,
  c.checkout_request_id AS c2b_checkout_request_id, v.result_code AS v_result_code, v.rule AS v_rule, v.fallback AS v_fallback`;

export const C2B_JOINS = `LEFT JOIN c2b_payments c ON c.id = n.c2b_payment_id
  LEFT JOIN c2b_validations v ON n.notification_type = 'conflict' AND v.trans_id = c.trans_id`;

export function c2bView(r: Record<string, unknown>): C2bNotificationView {
  return {
    family: "c2b",
    kind: String(r.notification_type) as NotificationKind,
    eventKey: text(r.event_key) ?? "",
    payment: {
      transId: String(r.c2b_trans_id), transactionType: text(r.c2b_transaction_type), status: String(r.c2b_status),
      amountCents: parseAmountToCents(r.c2b_amount), billRefNumber: text(r.c2b_bill_ref_number), businessShortCode: text(r.c2b_short_code),
      msisdn: text(r.c2b_msisdn), msisdnKind: text(r.c2b_msisdn_kind), firstName: text(r.c2b_first_name), paidAt: utc(r.c2b_trans_time),
      checkoutRequestId: text(r.c2b_checkout_request_id),
    },
    validation: r.v_result_code === null || r.v_result_code === undefined ? null
      : { resultCode: String(r.v_result_code), rule: String(r.v_rule), fallback: Number(r.v_fallback ?? 0) !== 0 },
    payerName: text(r.first_name),
  };
}
