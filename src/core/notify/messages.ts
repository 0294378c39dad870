// Pure: the text of every Telegram message (HTML parse mode), rendered by the worker from the stored rows at send time.
import { formatKes } from "../money.ts";
import { maskPhone } from "../phone.ts";
import type { C2bNotificationView, NotificationView, OutboxView, PaymentFacts } from "./notification-view.ts";
import { bold, code, escapeHtml, field, fieldHtml, formatNairobiTime, lines } from "./html.ts";
import { formatC2bAdminAlert, formatC2bRejectedAlert } from "./c2b-messages.ts";
import { renderResultNotification } from "./result-messages.ts";
import { isSimulatedId } from "../simulate/ids.ts";

export interface MessageOptions {
  showPhone: boolean; // admin alerts show full phone numbers (MPESA_CB_ADMIN_SHOW_PHONE); masked otherwise
  lowBalanceCents?: number | null; // MPESA_CB_LOW_BALANCE_KES, named in the low-balance alert's headline when given
}

const HEADLINES: Readonly<Record<string, string>> = {
  Success: "✅ Payment received",
  Failed: "❌ Payment failed",
  Cancelled: "🚫 Payment cancelled by the customer",
  Timeout: "⌛ Payment timed out: the phone did not answer",
  Expired: "⌛ Payment request expired",
  Unknown: "❓ Payment outcome unknown: reconcile it with M-Pesa",
};

/** Every message; one about a payment `simulate` made says so first: it must never pass for real money. */
export function renderNotification(view: OutboxView, options: MessageOptions): string {
  const text = renderOne(view, options);
  return isSimulatedId(idOf(view)) ? `${bold("🧪 SIMULATED (mpesa-cb simulate): no real money moved")}\n${text}` : text;
}

function idOf(view: OutboxView): string | null {
  if (view.family === "result") return view.result.originatorConversationId;
  return view.family === "c2b" ? view.payment.transId : view.payment.checkoutRequestId;
}

function renderOne(view: OutboxView, options: MessageOptions): string {
  if (view.family === "result") return renderResultNotification(view, options);
  if (view.kind === "receipt") return formatReceipt(view);
  if (view.family === "c2b") return view.kind === "conflict" ? formatC2bRejectedAlert(view, options) : formatC2bAdminAlert(view, options);
  if (view.kind === "conflict" && view.eventKey.startsWith("confirm:")) return formatConfirmationAlert(view, options);
  return view.kind === "conflict" ? formatConflictAlert(view, options) : formatAdminAlert(view, options);
}

/** Daraja's confirmation contradicts a success (`confirm:mismatch`) or could not be had (`confirm:unverifiable`). */
export function formatConfirmationAlert(view: NotificationView, options: MessageOptions): string {
  const p = view.payment;
  const verdict = view.eventKey.slice("confirm:".length);
  return lines([
    bold(verdict === "mismatch" ? "⚠️ Daraja's confirmation contradicts this payment" : "⚠️ Daraja could not confirm this payment"),
    fieldHtml("Amount", p.amountCents === null ? null : bold(formatKes(p.amountCents))),
    fieldHtml("Receipt", p.receipt === null ? null : code(p.receipt)),
    field("Daraja said", p.verdictDetail ?? null),
    "No receipt was sent to the payer: check the payment with M-Pesa before delivering",
    ...contextLines(view, p, options),
  ]);
}

// `mpesa-cb reconcile` recorded the outcome from Daraja's answer to a query: its alert's event key (reconcile-write.ts).
const RECOVERED = "recovered:";

/** An outcome for the admin, as the callback that caused it reported it (the row may have moved on since). */
export function formatAdminAlert(view: NotificationView, options: MessageOptions): string {
  const recovered = view.eventKey.startsWith(RECOVERED);
  const status = view.eventKey.startsWith("status:") ? view.eventKey.slice("status:".length)
    : recovered ? view.eventKey.slice(RECOVERED.length) : view.payment.status;
  const facts = triggerFacts(view, true);
  return lines([
    bold(HEADLINES[status] ?? `Payment ${status}`),
    recovered ? `🔎 Callback missing — recovered by query (Daraja's M-Pesa Express Query${status === "Success" ? "; it gives no receipt number" : ""})` : null,
    fieldHtml("Amount", facts.amountCents === null ? null : bold(formatKes(facts.amountCents))),
    fieldHtml("Receipt", facts.receipt === null ? null : code(facts.receipt)),
    status === "Success" ? null : field("Result", resultText(facts)),
    field("Check", verdictText(view.payment.verdict)),
    ...contextLines(view, facts, options),
  ]);
}

// Callbacks are unsigned: the admin sees what our own records (and Daraja, when asked) say about a success.
const VERDICTS: Record<string, string> = {
  matched: "matches our payment request",
  mismatch: "DOES NOT MATCH our payment request (amount or phone): no receipt sent, check before delivering",
  unsolicited: "no payment request of ours has this CheckoutRequestID",
  pending: "waiting for Daraja's confirmation",
  verified: "confirmed by Daraja",
  unverifiable: "Daraja could not confirm it",
};

function verdictText(verdict: string | null | undefined): string | null {
  return verdict ? (VERDICTS[verdict] ?? verdict) : null;
}

/** A callback that disagrees with a final state: what was stored before, what arrived, what is stored now. */
export function formatConflictAlert(view: NotificationView, options: MessageOptions): string {
  const p = view.payment;
  const arrived = triggerFacts(view, false);
  const late = view.trigger?.outcome === "late-success";
  const query = view.trigger?.fromQuery === true; // mpesa-cb reconcile asked Daraja, and the answer disagrees
  const count = view.eventKey.startsWith("conflict:") ? view.eventKey.slice("conflict:".length) : String(p.conflictCount);
  return lines([
    late
      ? bold(`⚠️ Late success: money arrived after the payment was recorded as ${p.supersededStatus ?? "not paid"}`)
      : bold(query ? "⚠️ Daraja's answer to a query disagrees: the stored outcome is kept" : "⚠️ Conflicting callback: the stored outcome is kept"),
    late ? field("Stored before", p.supersededStatus) : fieldHtml("Stored", describe(p)),
    fieldHtml(query ? "Daraja answered" : "Arrived", describe(arrived)),
    late ? "Now stored: Success, flagged for review"
      : query ? "The answer is kept in callback_logs (route reconcile) and flagged on the payment: check the payment with M-Pesa"
      : "The callback is kept in callback_logs and flagged on the payment",
    field("Conflicts on this payment", count),
    ...contextLines(view, { ...arrived, phone: arrived.phone ?? p.phone }, options),
  ]);
}

/** The payer's receipt, in either payment family: no phone number, nothing about other payments. */
export function formatReceipt(view: NotificationView | C2bNotificationView): string {
  const r = receiptFacts(view);
  const amount = r.amountCents === null ? "your payment" : bold(formatKes(r.amountCents));
  const greeting = r.name ? `Hello ${escapeHtml(r.name)}, thank you` : "Thank you";
  return lines([
    bold("✅ Payment received"),
    `${greeting}: we received ${amount}.`,
    fieldHtml("M-Pesa receipt", r.receipt === null ? null : code(r.receipt)),
    field("For", r.account),
    field("Time", r.paidAt === null ? null : formatNairobiTime(r.paidAt)),
  ]);
}

interface ReceiptFacts {
  amountCents: number | null;
  receipt: string | null;
  account: string | null;
  paidAt: Date | null;
  name: string | null;
}

// A C2B payer is greeted by the name of their user, else by the first name Safaricom sent.
function receiptFacts(view: NotificationView | C2bNotificationView): ReceiptFacts {
  if (view.family === "c2b") {
    const c = view.payment;
    return { amountCents: c.amountCents, receipt: c.transId, account: c.billRefNumber, paidAt: c.paidAt, name: view.payerName ?? c.firstName };
  }
  const p = view.payment;
  return { amountCents: p.amountCents, receipt: p.receipt, account: view.accountReference, paidAt: p.paidAt, name: view.payerName };
}

// The callback that caused the notification, else (no log row found) the payment as stored. With `fill`, what the
// callback leaves out (a failure has no amount) is taken from the stored payment.
function triggerFacts(view: NotificationView, fill: boolean): PaymentFacts {
  const cb = view.trigger?.callback;
  const p = view.payment;
  if (!cb) return p;
  return {
    status: cb.status, resultCode: cb.resultCode, resultDesc: cb.resultDesc, receipt: cb.receipt,
    amountCents: cb.amountCents ?? (fill ? p.amountCents : null), phone: cb.phone ?? (fill ? p.phone : null),
    paidAt: cb.transactionDate ?? view.trigger?.receivedAt ?? null,
  };
}

function describe(f: PaymentFacts): string {
  const result = `${bold(f.status)}${f.resultCode === null ? "" : `, result ${code(f.resultCode)}`}${f.resultDesc ? ` (${escapeHtml(f.resultDesc)})` : ""}`;
  const parts = [result, f.amountCents === null ? null : formatKes(f.amountCents), f.receipt === null ? null : `receipt ${code(f.receipt)}`];
  return parts.filter((x): x is string => x !== null).join(", ");
}

function resultText(f: PaymentFacts): string | null {
  if (f.resultCode === null) return f.resultDesc || null;
  return f.resultDesc ? `${f.resultCode} (${f.resultDesc})` : f.resultCode;
}

function contextLines(view: NotificationView, facts: PaymentFacts, options: MessageOptions): (string | null)[] {
  return [
    field("Phone", facts.phone === null ? null : options.showPhone ? facts.phone : maskPhone(facts.phone)),
    field("Account", view.accountReference),
    field("Time", facts.paidAt === null ? null : formatNairobiTime(facts.paidAt)),
    fieldHtml("Checkout", code(view.payment.checkoutRequestId)),
  ];
}
