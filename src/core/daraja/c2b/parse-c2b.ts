// C2B validation and confirmation (SPEC §4): JSON → validated shape → one record (cents, UTC, the MSISDN as sent and
// what kind it is), tolerant of Daraja's variations. A payment is identified by its TransID, the M-Pesa receipt.
import { fail, ok, type Problem, type Result } from "../../result.ts";
import { parseAmountToCents } from "../../money.ts";
import { normalisePhone } from "../../phone.ts";
import { parseDarajaTimestamp } from "../../time.ts";
import { normaliseBody, readText } from "../tolerant.ts";
import { checkC2bShape } from "./c2b-schema.ts";
import { MAX_AMOUNT_CENTS } from "../stk/stk-metadata.ts";

/** How Safaricom wrote the payer's number (SPEC §4.3): C2B v2 masks it, v1 hashes it, old integrations send it plain. */
export type MsisdnKind = "plain" | "masked" | "hashed";

export interface C2bPayment {
  transId: string;
  transactionType: string | null; // "Pay Bill", "Buy Goods", or empty in old samples
  transTime: Date | null; // UTC
  amountCents: number | null; // null: no usable amount (never paid out as a payment)
  businessShortCode: string | null;
  billRefNumber: string | null; // the account number typed by the payer
  invoiceNumber: string | null;
  orgAccountBalanceCents: number | null; // blank in validation requests
  thirdPartyTransId: string | null;
  msisdn: string | null; // the plain number in 254… form; else exactly as sent
  msisdnKind: MsisdnKind | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  warnings: Problem[];
}

const HASH = /^[0-9a-f]{32,128}$/i; // SHA-256 in hex; the documented sample is truncated, so the length is not checked

/** Reads a C2B body; rejects only what cannot be identified (no TransID), with every problem and its path. */
export function parseC2b(sent: unknown): Result<C2bPayment> {
  const body = normaliseBody(sent);
  const shape = checkC2bShape(body);
  if (shape.problems.length > 0) return fail(shape.problems);
  const b = body as Record<string, unknown>;
  const warnings = [...shape.warnings];
  const field = (name: string): string | null => {
    const t = readText(b[name]);
    return t === null || t === "" ? null : t;
  };
  const amount = (name: string, required: boolean): number | null => {
    const text = field(name);
    const cents = text === null ? null : parseAmountToCents(text);
    const usable = cents !== null && cents <= MAX_AMOUNT_CENTS ? cents : null;
    if (usable === null && (text !== null || required)) warnings.push({ path: name, message: `must be an amount in KES with at most 2 decimals, got ${JSON.stringify(b[name] ?? null)}` });
    return usable;
  };
  const time = field("TransTime");
  const transTime = time === null ? null : parseDarajaTimestamp(time);
  if (time !== null && transTime === null) warnings.push({ path: "TransTime", message: `must be a real date written YYYYMMDDHHmmss, got ${JSON.stringify(b.TransTime)}` });
  return ok({
    transId: String(field("TransID")),
    transactionType: field("TransactionType"), transTime, amountCents: amount("TransAmount", true),
    businessShortCode: field("BusinessShortCode"), billRefNumber: field("BillRefNumber"), invoiceNumber: field("InvoiceNumber"),
    orgAccountBalanceCents: amount("OrgAccountBalance", false), thirdPartyTransId: field("ThirdPartyTransID"),
    ...readMsisdn(field("MSISDN")),
    firstName: field("FirstName"), middleName: field("MiddleName"), lastName: field("LastName"),
    warnings,
  });
}

function readMsisdn(sent: string | null): { msisdn: string | null; msisdnKind: MsisdnKind | null } {
  if (sent === null) return { msisdn: null, msisdnKind: null };
  const plain = normalisePhone(sent);
  if (plain !== null) return { msisdn: plain, msisdnKind: "plain" };
  if (HASH.test(sent)) return { msisdn: sent.toLowerCase(), msisdnKind: "hashed" };
  return { msisdn: sent, msisdnKind: sent.includes("*") ? "masked" : null };
}
