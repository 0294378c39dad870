// Pure: which outbox rows a stored callback causes (DESIGN.md promise 5): one table from outcome to notifications.
import type { BatchPlan, IngestItem, ItemOutcome } from "../ingest/batch-plan.ts";
import type { StoredPayment } from "../payment-state.ts";

/** `admin`: an outcome alert; `conflict`: an admin alert about a conflicting callback; `receipt`: to the payer. */
export type NotificationKind = "admin" | "conflict" | "receipt";

export interface OutboxEvent {
  checkoutRequestId: string;
  kind: NotificationKind;
  // With the transaction, the kind and the recipient, the row's identity: the same event cannot be queued twice.
  eventKey: string;
  requestId: string; // the callback that caused it (its callback_logs row)
}

/** Who gets what. Admin alerts need a chat; receipts go to the payer's chat, found in the database. */
export interface NotifyTargets {
  adminChatId: string | null; // null: no admin alerts
  receipts: boolean;
}

export const NOTIFICATIONS_OFF: NotifyTargets = Object.freeze({ adminChatId: null, receipts: false });

/** Without a bot token nothing is queued; without ADMIN_CHAT_ID only receipts are. */
export function notifyTargets(telegram: { token: string | undefined; adminChatId: string | undefined }): NotifyTargets {
  if (!telegram.token) return NOTIFICATIONS_OFF;
  return { adminChatId: telegram.adminChatId ?? null, receipts: true };
}

const STATUS_CHANGES: ReadonlySet<ItemOutcome> = new Set(["new", "updated"]);
const CONFLICTS: ReadonlySet<ItemOutcome> = new Set(["late-success", "conflict"]);
// late-success: the payment is now a success, and the payer did pay (the admin alert says it came late).
const PAID: ReadonlySet<ItemOutcome> = new Set(["new", "updated", "late-success"]);

/** The notifications one callback calls for, given its outcome and the payment as it left it. */
export function notificationsFor(outcome: ItemOutcome, payment: StoredPayment, targets: NotifyTargets): Omit<OutboxEvent, "checkoutRequestId" | "requestId">[] {
  const events: Omit<OutboxEvent, "checkoutRequestId" | "requestId">[] = [];
  if (targets.adminChatId !== null && STATUS_CHANGES.has(outcome)) events.push({ kind: "admin", eventKey: `status:${payment.status}` });
  // The conflict count rises with every conflicting callback, so each one is its own event.
  if (targets.adminChatId !== null && CONFLICTS.has(outcome)) events.push({ kind: "conflict", eventKey: `conflict:${payment.conflictCount}` });
  // A payment becomes a success at most once (Success is final), so one receipt per payment and payer.
  if (targets.receipts && PAID.has(outcome) && payment.status === "Success") events.push({ kind: "receipt", eventKey: "status:Success" });
  return events;
}

/** Every notification a batch calls for, in arrival order. */
export function planNotifications(items: readonly IngestItem[], plan: BatchPlan, targets: NotifyTargets): OutboxEvent[] {
  if (targets.adminChatId === null && !targets.receipts) return [];
  return items.flatMap((item, i) => {
    const payment = plan.after[i];
    const outcome = plan.outcomes[i];
    if (!item.parsed.ok || payment == null || outcome === undefined) return [];
    const ids = { checkoutRequestId: item.parsed.value.checkoutRequestId, requestId: item.request.id };
    return notificationsFor(outcome, payment, targets).map((e) => ({ ...ids, ...e }));
  });
}
