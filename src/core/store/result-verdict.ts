// The B2C verdict: a payout's result against the request the business's payout code wrote before it called Daraja
// (b2c_requests, by OriginatorConversationID), as STK successes are checked against payment_requests.
import type { DarajaResult } from "../daraja/result/parse-result.ts";
import { parseAmountToCents } from "../money.ts";
import { normalisePhone } from "../phone.ts";
import { inList } from "./raw-sql.ts";
import type { ResultRow } from "./result-state.ts";

export type B2cVerdict = "matched" | "mismatch" | "unsolicited";

/** A b2c_requests row: what the business asked to pay, and to whom. */
export interface B2cRequest {
  amountCents: number | null;
  phone: string | null;
}

export const selectB2cRequestsSql = (keys: number) =>
  `SELECT originator_conversation_id, amount, phone FROM b2c_requests WHERE originator_conversation_id IN (${inList(keys)})`;

export function toB2cRequests(rows: readonly Record<string, unknown>[]): Map<string, B2cRequest> {
  return new Map(rows.map((r): [string, B2cRequest] => [String(r.originator_conversation_id), { amountCents: parseAmountToCents(r.amount), phone: normalisePhone(r.phone) }]));
}

/**
 * A B2C result's verdict (null for other APIs and for timeouts, which say nothing about the payout): `unsolicited`
 * without a request of ours, `mismatch` when the amount or (where both are known) the receiver's phone differs.
 * `row` is the row as the result leaves it: an amount the result lacks is the one a timeout's echo named.
 */
export function b2cVerdict(row: ResultRow, source: DarajaResult, requests: ReadonlyMap<string, B2cRequest>): B2cVerdict | null {
  if (source.api !== "b2c" || source.kind !== "result") return null;
  const request = row.originatorConversationId === null ? undefined : requests.get(row.originatorConversationId);
  if (request === undefined) return "unsolicited";
  const amountDiffers = row.amountCents !== null && row.amountCents !== request.amountCents;
  const phone = partyPhone(row.creditParty);
  const phoneDiffers = phone !== null && request.phone !== null && phone !== request.phone;
  return amountDiffers || phoneDiffers ? "mismatch" : "matched";
}

// "254700000004 - TEST RECIPIENT" (a result) or "254700000004" (a timeout's echo of PartyB) → 254700000004.
function partyPhone(party: string | null): string | null {
  const id = party?.split(" - ")[0]?.trim();
  return id === undefined || id === "" ? null : normalisePhone(id);
}
