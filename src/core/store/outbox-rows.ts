// Reads claimed outbox rows with what their messages need (payment, causing callback, payer), mapped to domain views.
import { QueryTypes } from "sequelize";
import type { Database, Dialect } from "./database.ts";
import { parseAmountToCents } from "../money.ts";
import { parseJson, parseStkCallback } from "../daraja/parse-stk.ts";
import type { NotificationKind } from "../notify/notification-plan.ts";
import type { NotificationView, TriggerView } from "../notify/notification-view.ts";

export interface ClaimedNotification {
  id: number;
  recipient: string;
  attempts: number; // before this one
  view: NotificationView;
}

type Row = Record<string, unknown>;

// Receipts need no raw body: they are rendered from the payment as stored. A receipt's recipient is a chat id: as a
// number it finds its user by the unique index. The payment's time is transaction_date_utc (transaction_date is
// Nairobi wall time, kept for the original server's readers).
const selectRowsSql = (dialect: Dialect) => `SELECT n.id, n.notification_type, n.recipient, n.event_key, n.attempts,
  t.checkout_request_id, t.status, t.result_code, t.result_desc, t.amount, t.mpesa_receipt_number, t.phone_number,
  t.transaction_date_utc, t.superseded_status, t.conflict_count, t.verdict,
  l.outcome AS trigger_outcome, l.received_at AS trigger_received_at,
  CASE WHEN n.notification_type = 'receipt' THEN NULL ELSE l.raw_payload END AS trigger_payload,
  pr.account_reference, u.first_name
  FROM notifications n JOIN transactions t ON t.id = n.transaction_id
  LEFT JOIN callback_logs l ON l.request_id = n.request_id
  LEFT JOIN payment_requests pr ON pr.checkout_request_id = t.checkout_request_id
  LEFT JOIN users u ON n.notification_type = 'receipt' AND u.telegram_chat_id = CAST(n.recipient AS ${dialect === "mysql" ? "SIGNED" : "INTEGER"})
  WHERE n.id IN `;

export async function loadNotifications(db: Database, ids: readonly number[]): Promise<ClaimedNotification[]> {
  const rows = await db.sequelize.query<Row>(`${selectRowsSql(db.dialect)}(${ids.map(() => "?").join(",")}) ORDER BY n.id`,
    { replacements: [...ids], type: QueryTypes.SELECT });
  return rows.map(toClaimed);
}

function toClaimed(r: Row): ClaimedNotification {
  const view: NotificationView = {
    kind: String(r.notification_type) as NotificationKind,
    eventKey: text(r.event_key) ?? "",
    payment: {
      checkoutRequestId: String(r.checkout_request_id), status: String(r.status), resultCode: text(r.result_code),
      resultDesc: text(r.result_desc), amountCents: parseAmountToCents(r.amount), receipt: text(r.mpesa_receipt_number),
      phone: text(r.phone_number), paidAt: utc(r.transaction_date_utc), supersededStatus: text(r.superseded_status),
      conflictCount: Number(r.conflict_count ?? 0), verdict: text(r.verdict),
    },
    trigger: trigger(r),
    accountReference: text(r.account_reference),
    payerName: text(r.first_name),
  };
  return { id: Number(r.id), recipient: String(r.recipient), attempts: Number(r.attempts ?? 0), view };
}

function trigger(r: Row): TriggerView | null {
  if (r.trigger_outcome === null || r.trigger_outcome === undefined) return null;
  const payload = text(r.trigger_payload);
  const json = payload === null ? null : parseJson(payload);
  const parsed = json?.ok ? parseStkCallback(json.value) : null;
  return { outcome: text(r.trigger_outcome), receivedAt: utc(r.trigger_received_at), callback: parsed?.ok ? parsed.value : null };
}

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** A DATETIME as the drivers return it: a Date from mysql2, UTC text from SQLite. */
function utc(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const d = new Date(`${String(v).replace(" ", "T").replace(/Z$/, "")}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
