// Pure: the admin's Telegram texts about a Result-family request (B2C payout, B2B payment, transaction status, account
// balance, reversal): its outcome, a late or conflicting callback, a payout that does not match our request, a low
// balance. Rendered from the stored rows at send time; only the few parameters each API names are shown.
import { formatKes } from "../money.ts";
import { maskPhone, normalisePhone } from "../phone.ts";
import type { AccountBalanceView, ResultNotificationView, ResultView } from "./notification-view.ts";
import { bold, code, escapeHtml, field, fieldHtml, formatNairobiTime, lines } from "./html.ts";
import type { MessageOptions } from "./messages.ts";

type Line = string | null;

const NAMES: Readonly<Record<string, string>> = {
  b2c: "B2C payout request", b2b: "B2B payment request", status: "transaction status query", balance: "account balance query", reversal: "reversal request",
};
const SUCCEEDED: Readonly<Record<string, string>> = {
  b2c: "💸 Payout sent", b2b: "💼 Business payment sent", status: "🔎 Transaction status", balance: "🏦 Account balance", reversal: "↩️ Reversal done",
};
const FAILED: Readonly<Record<string, string>> = {
  b2c: "❌ Payout failed", b2b: "❌ Business payment failed", status: "❌ Transaction status query failed", balance: "❌ Account balance query failed",
  reversal: "❌ Reversal failed",
};
// last_conflict_code holds the status of a callback without a code (a timeout that echoed the request).
const STATUSES: ReadonlySet<string> = new Set(["Success", "Failed", "Timeout", "Unknown"]);
// Money moves on these: trying again while the outcome is unknown may pay twice.
const MOVES_MONEY: ReadonlySet<string> = new Set(["b2c", "b2b", "reversal"]);

// What Safaricom's failure codes mean (SPEC §6–§9), said plainly; codes are compared, never descriptions.
const REASONS: Readonly<Record<string, string>> = {
  "1": "insufficient balance in the account it is paid from (B2C: the utility account): top it up",
  "2": "the amount is below the minimum allowed", "3": "the amount is above the maximum allowed per transaction",
  "4": "the daily transfer limit is reached", "8": "the receiver's M-Pesa account would go above its maximum balance",
  "11": "the debit party is in an invalid state", "21": "the initiator is not allowed to make this request (its API initiator role is missing)",
  "2001": "the initiator credentials are invalid (initiator name or security credential)", "2006": "the account's status does not allow it",
  "2028": "not permitted by the product assignment", "2040": "the receiver is not a registered M-Pesa customer",
  "8006": "the security credential is locked", SFC_IC0003: "no such phone number or operator",
  R000001: "the transaction was already reversed", R000002: "the original transaction id is invalid",
};
const BALANCE_INTERNAL = /^(1[5789]|2[0124569]|1000000(0\d|1[01]))$/; // SPEC §8: Safaricom's internal errors

const VERDICTS: Readonly<Record<string, string>> = {
  matched: "matches our request (b2c_requests)",
  mismatch: "DOES NOT MATCH our request (amount or phone): check it",
  unsolicited: "no request of ours (b2c_requests) has this OriginatorConversationID",
};

export function renderResultNotification(view: ResultNotificationView, options: MessageOptions): string {
  const key = view.eventKey;
  if (view.kind === "receipt") throw new Error("results send no receipts: a Result-family notification is for the admin");
  if (key === "late-result") return formatLateResultAlert(view, options);
  if (key.startsWith("conflict:")) return formatResultConflictAlert(view, options);
  if (key.startsWith("verdict:")) return formatVerdictAlert(view, options);
  if (key.startsWith("low-balance:")) return formatLowBalanceAlert(view, options);
  return formatResultAlert(view, options);
}

/** A request's outcome as it was when it happened (`status:<Status>`), and what is stored now if that has changed. */
export function formatResultAlert(view: ResultNotificationView, options: MessageOptions): string {
  const r = view.result;
  const status = view.eventKey.startsWith("status:") ? view.eventKey.slice("status:".length) : r.status;
  // Sent after a later callback replaced that status (a result after the timeout): the row's code and details are the
  // later callback's, so they are shown as what is stored now, not as this status's.
  const moved = status !== r.status;
  return lines([
    bold(headline(r.api, status)),
    ...(moved ? [status === "Timeout" ? timeoutAdvice(r.api) : null, fieldHtml("Stored now", describe(r)), ...moneyLines(r, options)]
      : outcomeLines(view, status, options)),
    ...idLines(r),
  ]);
}

/** A result after the timeout: the result is stored, and whatever was done meanwhile must be checked. */
export function formatLateResultAlert(view: ResultNotificationView, options: MessageOptions): string {
  const r = view.result;
  const money = MOVES_MONEY.has(r.api);
  return lines([
    bold(`⚠️ Late result: ${r.status} after a timeout${money && r.status !== "Failed" ? " — money may have moved after all" : ""}`),
    field("Request", capitalise(nameOf(r.api))),
    field("Stored before", r.supersededStatus ?? "Timeout"),
    ...outcomeLines(view, r.status, options),
    money && r.status === "Success" ? "If it was sent again after the timeout, it may have been paid twice: check before paying again" : null,
    ...idLines(r),
  ]);
}

/** A callback that disagreed with the stored final outcome (or a timeout after the result): the stored one is kept. */
export function formatResultConflictAlert(view: ResultNotificationView, options: MessageOptions): string {
  const r = view.result;
  const count = view.eventKey.slice("conflict:".length);
  // last_conflict_code is the latest conflict's: a later one may have replaced this alert's.
  const arrived = count === String(r.conflictCount) ? r.lastConflictCode : null;
  return lines([
    bold(`⚠️ Conflicting callback for ${withArticle(nameOf(r.api))}: the stored outcome is kept`),
    fieldHtml("Stored", describe(r)),
    fieldHtml("Arrived", arrived === null ? null : STATUSES.has(arrived) ? bold(arrived) : `result ${code(arrived)}`),
    "The callback is kept in callback_logs: reconcile it with a transaction status query",
    field("Conflicts on this request", count),
    ...moneyLines(r, options),
    ...idLines(r),
  ]);
}

/** A B2C payout that differs from the request we wrote before calling Daraja, or that we have no request for. */
export function formatVerdictAlert(view: ResultNotificationView, options: MessageOptions): string {
  const r = view.result;
  const q = view.request;
  const unsolicited = view.eventKey === "verdict:unsolicited";
  const paidTo = r.creditParty === null ? "" : ` to ${escapeHtml(party(r.creditParty, options))}`;
  return lines([
    bold(unsolicited ? "⚠️ Payout we have no request for" : "⚠️ Payout does not match our request: check it"),
    unsolicited ? "No b2c_requests row has its OriginatorConversationID: was it sent by other software with our credentials?" : null,
    fieldHtml("Paid", r.amountCents === null ? null : `${bold(formatKes(r.amountCents))}${paidTo}`),
    field("Requested", q === null ? null : requestText(q, options)),
    field("Differs", q === null ? null : differences(r, q)),
    field("Purpose", q?.purpose),
    fieldHtml("Receipt", r.transactionId === null ? null : code(r.transactionId)),
    field("Completed", time(r.completedAt)),
    ...idLines(r),
  ]);
}

/** An account watched for MPESA_CB_LOW_BALANCE_KES fell below it (once per crossing). */
export function formatLowBalanceAlert(view: ResultNotificationView, options: MessageOptions): string {
  const word = /^low-balance:([A-Za-z]+):/.exec(view.eventKey)?.[1] ?? "";
  const reported = view.balances.find((b) => b.accountType === `${word} Account`);
  const available = reported?.availableCents ?? view.lowBalance?.availableCents ?? null;
  const threshold = options.lowBalanceCents ?? null;
  return lines([
    bold(threshold === null ? `🔻 B2C ${word} account balance is low` : `🔻 B2C ${word} account below ${formatKes(threshold)}`),
    fieldHtml("Available", available === null ? null : bold(formatKes(available))),
    field("Time", time(reported?.reportedAt ?? view.result.completedAt ?? view.lowBalance?.updatedAt ?? null)),
    word === "Utility" ? "Payouts are drawn from it: top it up before they fail (result code 1)" : null,
    field("Reported by", `the result of ${withArticle(nameOf(view.result.api))}`),
    ...idLines(view.result),
  ]);
}

function headline(api: string, status: string): string {
  const name = nameOf(api);
  if (status === "Success") return SUCCEEDED[api] ?? `✅ ${capitalise(name)} succeeded`;
  if (status === "Failed") return FAILED[api] ?? `❌ ${capitalise(name)} failed`;
  if (status === "Timeout") return `⏳ ${capitalise(name)} timed out in Safaricom's queue: outcome unknown`;
  return `❓ ${capitalise(name)}: result code unknown, reconcile it with a transaction status query`;
}

function outcomeLines(view: ResultNotificationView, status: string, options: MessageOptions): Line[] {
  const r = view.result;
  if (status === "Success") return successLines(view, options);
  if (status === "Timeout") return [timeoutAdvice(r.api), field("Safaricom said", r.resultDesc), ...moneyLines(r, options), ...requestLines(view, options)];
  return [
    field("Result", resultText(r)),
    field("Why", status === "Failed" ? reasonFor(r.api, r.resultCode) : null),
    r.api === "status" && status === "Failed" ? "The query failed: it says nothing about the transaction it asked about" : null,
    ...moneyLines(r, options),
    ...requestLines(view, options),
  ];
}

function successLines(view: ResultNotificationView, options: MessageOptions): Line[] {
  const r = view.result;
  const p = r.parameters;
  switch (r.api) {
    case "b2c":
      return [...moneyLines(r, options), codeField("Receipt", r.transactionId), field("Completed", time(r.completedAt)), ...requestLines(view, options),
        field("Check", r.verdict === null ? null : (VERDICTS[r.verdict] ?? r.verdict)), ...balanceLines(view.balances)];
    case "reversal":
      return [amountLine(r), codeField("Reversed transaction", p.OriginalTransactionID), field("From", partyOrNull(r.debitParty, options)),
        field("To", partyOrNull(r.creditParty, options)), codeField("Reversal receipt", r.transactionId), field("Completed", time(r.completedAt))];
    case "status":
      return [field("Transaction status", p.TransactionStatus), codeField("Receipt", p.ReceiptNo), amountLine(r), field("From", partyOrNull(r.debitParty, options)),
        field("To", partyOrNull(r.creditParty, options)), field("Type", p.ReasonType), field("Finalised", time(r.completedAt))];
    case "balance":
      return [...balanceLines(view.balances), field("Reported", time(r.completedAt))];
    default: // b2b
      return [...moneyLines(r, options), codeField("Receipt", r.transactionId), field("Completed", time(r.completedAt))];
  }
}

// A timeout tells nothing of the outcome: for money, find it out before trying again; a query can just be asked again.
function timeoutAdvice(api: string): string {
  if (api === "reversal") return "Check with a transaction status query before reversing again";
  return MOVES_MONEY.has(api) ? "Check with a transaction status query before paying again" : "Send the query again";
}

function reasonFor(api: string, resultCode: string | null): string | null {
  if (resultCode === null) return null;
  if (api === "balance" && BALANCE_INTERNAL.test(resultCode)) return "an internal error at Safaricom: ask again later";
  return REASONS[resultCode] ?? null;
}

const amountLine = (r: ResultView): Line => fieldHtml("Amount", r.amountCents === null ? null : bold(formatKes(r.amountCents)));

function moneyLines(r: ResultView, options: MessageOptions): Line[] {
  return [amountLine(r), field("Receiver", partyOrNull(r.creditParty, options))];
}

function requestLines(view: ResultNotificationView, options: MessageOptions): Line[] {
  const q = view.request;
  return q === null ? [] : [field("Our request", requestText(q, options)), field("Purpose", q.purpose)];
}

function requestText(q: NonNullable<ResultNotificationView["request"]>, options: MessageOptions): string {
  return `${q.amountCents === null ? "an amount" : formatKes(q.amountCents)} to ${options.showPhone ? q.phone : maskPhone(q.phone)}`;
}

// The receiver's number is the first thing in ReceiverPartyPublicName ("254700000004 - NAME").
function differences(r: ResultView, q: NonNullable<ResultNotificationView["request"]>): string | null {
  const paidPhone = r.creditParty === null ? null : normalisePhone(r.creditParty.split(" - ")[0]);
  const found = [
    r.amountCents !== null && q.amountCents !== null && r.amountCents !== q.amountCents ? "amount" : null,
    paidPhone !== null && paidPhone !== normalisePhone(q.phone) ? "phone" : null,
  ].filter((d): d is string => d !== null);
  return found.length === 0 ? null : found.join(" and ");
}

function balanceLines(balances: readonly AccountBalanceView[]): Line[] {
  return balances.map((b) => field(b.accountType, `${b.currency === "KES" ? formatKes(b.availableCents) : formatKes(b.availableCents).replace(/^KES/, b.currency)} available`));
}

function idLines(r: ResultView): Line[] {
  return [codeField("OriginatorConversationID", r.originatorConversationId), codeField("ConversationID", r.conversationId)];
}

const codeField = (label: string, value: string | null | undefined): Line => (value ? fieldHtml(label, code(value)) : null);

// Parties hold phone numbers (a transaction status result names the payer in full, SPEC §7): masked unless asked.
function party(text: string, options: MessageOptions): string {
  return options.showPhone ? text : text.replace(/(?<!\d)\d{9,15}(?!\d)/g, (digits) => maskPhone(digits));
}

const partyOrNull = (text: string | null, options: MessageOptions): string | null => (text === null ? null : party(text, options));

function describe(r: ResultView): string {
  const result = resultText(r);
  return `${bold(r.status)}${result === null ? "" : `, result ${escapeHtml(result)}`}`;
}

function resultText(r: ResultView): string | null {
  if (r.resultCode === null) return r.resultDesc || null;
  return r.resultDesc ? `${r.resultCode} (${r.resultDesc})` : r.resultCode;
}

const time = (d: Date | null): string | null => (d === null ? null : formatNairobiTime(d));
const nameOf = (api: string): string => NAMES[api] ?? `${api} request`;
const withArticle = (name: string): string => `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
