// Pure: the admin's Telegram texts about a C2B (PayBill or till) payment, rendered from the stored row at send time.
import { formatKes } from "../money.ts";
import { maskPhone } from "../phone.ts";
import type { C2bNotificationView, C2bPaymentView, ValidationAnswerView } from "./notification-view.ts";
import { bold, code, field, fieldHtml, formatNairobiTime, lines } from "./html.ts";
import type { MessageOptions } from "./messages.ts";

// Daraja's TransactionType names the channel; anything else is said plainly.
const CHANNELS: Readonly<Record<string, string>> = { "Pay Bill": "PayBill", "Buy Goods": "Till" };

/** A new C2B payment for the admin; `status:Unknown`: stored without a usable amount. */
export function formatC2bAdminAlert(view: C2bNotificationView, options: MessageOptions): string {
  const channel = CHANNELS[view.payment.transactionType ?? ""] ?? "M-Pesa";
  const unknown = view.eventKey === "status:Unknown" || view.payment.status === "Unknown";
  return lines([
    bold(unknown ? `❓ ${channel} payment without a usable amount: reconcile it with M-Pesa` : `✅ ${channel} payment received`),
    ...paymentLines(view.payment, options),
  ]);
}

/** A confirmation for a payment our validation had rejected: Safaricom took the money anyway. */
export function formatC2bRejectedAlert(view: C2bNotificationView, options: MessageOptions): string {
  return lines([
    bold("⚠️ Paid although our validation rejected it"),
    field("Our answer", answerText(view.validation)),
    ...paymentLines(view.payment, options),
    "The payment is stored and flagged: check it with the payer",
  ]);
}

function answerText(v: ValidationAnswerView | null): string {
  if (v === null) return "rejected (the validation record was not found)";
  const fallback = v.fallback ? "; the database did not answer in time: the fallback answered" : "";
  return `rejected with ${v.resultCode} (rule: ${v.rule}${fallback})`;
}

function paymentLines(p: C2bPaymentView, options: MessageOptions): (string | null)[] {
  return [
    fieldHtml("Amount", p.amountCents === null ? null : bold(formatKes(p.amountCents))),
    fieldHtml("Receipt", code(p.transId)),
    field("Account", p.billRefNumber),
    field("Paid by", p.firstName),
    field("Phone", phoneText(p, options)),
    field("Time", p.paidAt === null ? null : formatNairobiTime(p.paidAt)),
    field("Short code", p.businessShortCode),
    fieldHtml("Linked STK payment", p.checkoutRequestId === null ? null : code(p.checkoutRequestId)),
  ];
}

// SPEC §4.3: C2B v2 masks the number and v1 hashes it; only a plain number is ours to mask or show.
function phoneText(p: C2bPaymentView, options: MessageOptions): string | null {
  if (p.msisdn === null) return null;
  if (p.msisdnKind === "hashed") return "hidden by Safaricom";
  if (p.msisdnKind === "masked") return p.msisdn;
  return options.showPhone ? p.msisdn : maskPhone(p.msisdn);
}
