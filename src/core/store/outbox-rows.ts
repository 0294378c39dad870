// Reads claimed outbox rows with what their messages need (payment, causing callback, payer), mapped to domain views:
// an STK row by its transactions row, a C2B row by its c2b_payments row (c2b-outbox-rows.ts), a Result-family row by
// its daraja_results row (result-outbox-rows.ts).
import { inList } from "./raw-sql.ts";
import { QueryTypes } from "sequelize";
import type { Database, Dialect } from "./database.ts";
import { parseAmountToCents } from "../money.ts";
import { parseStkCallback } from "../daraja/stk/parse-stk.ts";
import { parseJson } from "../daraja/parse-json.ts";
import { readQueryLogBody } from "../reconcile/query-log-body.ts";
import type { NotificationKind } from "../notify/notification-plan.ts";
import type { NotificationView, OutboxView, TriggerView } from "../notify/notification-view.ts";
import { C2B_COLUMNS, C2B_JOINS, c2bView } from "./c2b-outbox-rows.ts";
import { isResultRow, loadResultExtras, RESULT_COLUMNS, RESULT_JOINS, resultView, type ResultExtras } from "./result-outbox-rows.ts";
import { text, utc } from "./row-values.ts";

export interface ClaimedNotification {
  id: number;
  recipient: string;
  attempts: number; // before this one
  view: OutboxView;
}

type Row = Record<string, unknown>;

// Receipts need no raw body: they are rendered from the payment as stored; C2B alerts from their row too. A receipt's
// recipient is a chat id: as a number it finds its user by the unique index. The payment's time is
// transaction_date_utc (transaction_date is Nairobi wall time, kept for the original server's readers).
const selectRowsSql = (dialect: Dialect) => `SELECT n.id, n.notification_type, n.recipient, n.event_key, n.attempts,
  t.id AS stk_id, t.checkout_request_id, t.status, t.result_code, t.result_desc, t.amount, t.mpesa_receipt_number, t.phone_number,
  t.transaction_date_utc, t.superseded_status, t.conflict_count, t.verdict, t.verdict_detail,
  c.id AS c2b_id, ${C2B_COLUMNS},
  ${RESULT_COLUMNS},
  l.outcome AS trigger_outcome, l.received_at AS trigger_received_at,
  CASE WHEN n.notification_type = 'receipt' THEN NULL ELSE l.raw_payload END AS trigger_payload,
  pr.account_reference, u.first_name
  FROM notifications n LEFT JOIN transactions t ON t.id = n.transaction_id
  ${C2B_JOINS}
  ${RESULT_JOINS}
  LEFT JOIN callback_logs l ON t.id IS NOT NULL AND l.request_id = n.request_id
  LEFT JOIN payment_requests pr ON pr.checkout_request_id = t.checkout_request_id
  LEFT JOIN users u ON n.notification_type = 'receipt' AND u.telegram_chat_id = CAST(n.recipient AS ${dialect === "mysql" ? "SIGNED" : "INTEGER"})
  WHERE n.id IN `;

/** The claimed rows, in id order. A row whose payment or result is in none of the tables is left out, as before C2B. */
export async function loadNotifications(db: Database, ids: readonly number[]): Promise<ClaimedNotification[]> {
  const rows = await db.sequelize.query<Row>(`${selectRowsSql(db.dialect)}(${inList(ids.length)}) ORDER BY n.id`,
    { replacements: [...ids], type: QueryTypes.SELECT });
  const extras = await loadResultExtras(db, rows);
  return rows.flatMap((r) => {
    const view = viewOf(r, extras);
    return view === null ? [] : [{ id: Number(r.id), recipient: String(r.recipient), attempts: Number(r.attempts ?? 0), view }];
  });
}

function viewOf(r: Row, extras: ResultExtras): OutboxView | null {
  if (r.stk_id !== null && r.stk_id !== undefined) return stkView(r);
  if (r.c2b_id !== null && r.c2b_id !== undefined) return c2bView(r);
  return isResultRow(r) ? resultView(r, extras) : null;
}

function stkView(r: Row): NotificationView {
  return {
    kind: String(r.notification_type) as NotificationKind,
    eventKey: text(r.event_key) ?? "",
    payment: {
      checkoutRequestId: String(r.checkout_request_id), status: String(r.status), resultCode: text(r.result_code),
      resultDesc: text(r.result_desc), amountCents: parseAmountToCents(r.amount), receipt: text(r.mpesa_receipt_number),
      phone: text(r.phone_number), paidAt: utc(r.transaction_date_utc), supersededStatus: text(r.superseded_status),
      conflictCount: Number(r.conflict_count ?? 0), verdict: text(r.verdict), verdictDetail: text(r.verdict_detail),
    },
    trigger: trigger(r),
    accountReference: text(r.account_reference),
    payerName: text(r.first_name),
  };
}

function trigger(r: Row): TriggerView | null {
  if (r.trigger_outcome === null || r.trigger_outcome === undefined) return null;
  const payload = text(r.trigger_payload);
  const json = payload === null ? null : parseJson(payload);
  const parsed = json?.ok ? parseStkCallback(json.value) : null;
  const base = { outcome: text(r.trigger_outcome), receivedAt: utc(r.trigger_received_at) };
  if (parsed?.ok) return { ...base, callback: parsed.value };
  const answer = json?.ok ? readQueryLogBody(json.value) : null;
  return answer === null ? { ...base, callback: null } : { ...base, callback: answer, fromQuery: true };
}
