// What a verdict tells people, queued in the verdict's own transaction (issue 13 item 2): on `verified` the receipt
// that waited for it (the same outbox event the batch would have queued: a second one meets the unique key and is
// skipped); on `mismatch` or `unverifiable` an admin alert naming the payment and what Daraja said. A crash can no
// longer leave a verdict recorded and its receipt or alert lost.
import { QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../store/database.ts";
import { insertEvents } from "../store/outbox-sql.ts";
import type { Verdict } from "../store/verdict-sql.ts";
import type { OutboxEvent } from "../notify/notification-plan.ts";
import { NOTIFICATIONS_OFF, type NotifyTargets } from "../notify/notification-plan.ts";

/** Queues, inside `tx`, the notifications a verdict on this payment calls for. */
export async function queueVerdictNotifications(db: Database, tx: Transaction, checkoutRequestId: string, verdict: Verdict, targets: NotifyTargets = NOTIFICATIONS_OFF): Promise<void> {
  const event = eventFor(verdict, targets);
  if (event === null) return;
  // The callback that stored the success: the notification points at it, as the batch's own would.
  const [cause] = await db.sequelize.query<{ request_id: string }>(
    `SELECT request_id FROM callback_logs WHERE checkout_request_id = ? AND processed = 1 AND request_id IS NOT NULL
     AND outcome IN ('new', 'updated', 'late-success') ORDER BY id DESC LIMIT 1`,
    { replacements: [checkoutRequestId], type: QueryTypes.SELECT, transaction: tx });
  if (cause === undefined) return; // stored before request ids existed: nothing to point the notification at
  const statement = insertEvents(db.dialect, [{ ...event, checkoutRequestId, requestId: cause.request_id }], targets.adminChatId);
  await db.sequelize.query(statement.sql, { replacements: statement.values, transaction: tx });
}

function eventFor(verdict: Verdict, targets: NotifyTargets): Pick<OutboxEvent, "kind" | "eventKey"> | null {
  if (verdict === "verified") return targets.receipts ? { kind: "receipt", eventKey: "status:Success" } : null;
  if (verdict === "mismatch" || verdict === "unverifiable") return targets.adminChatId === null ? null : { kind: "conflict", eventKey: `confirm:${verdict}` };
  return null;
}
