// The cross-check of a success against our own payment request, in SQL so that it runs inside the batch transaction
// (and in the one-round-trip script) on both dialects: one expression over the row and its request joined by key,
// for the rows an INSERT … SELECT adds and for the rows a batch updates into a success.
import { inList } from "./raw-sql.ts";

export type Verdict = "matched" | "mismatch" | "unsolicited" | "pending" | "verified" | "unverifiable";
/** What a success that agrees with our request gets: `matched`, or `pending` while Daraja confirms it. */
export type WhenMatched = "matched" | "pending";

/** Our payment request for the rows of `row` (an alias with checkout_request_id), as `pr`: all NULL when there is none. */
export function paymentRequestJoin(row: string): string {
  return `LEFT JOIN payment_requests pr ON pr.checkout_request_id = ${row}.checkout_request_id`;
}

/**
 * The verdict of a success, `row` being an alias with its amount and phone_number and `pr` its request
 * (paymentRequestJoin): `unsolicited` without one, `mismatch` when the amount or (where both are known) the phone
 * differs, else `whenMatched`. The key is unique in payment_requests: at most one `pr` per row.
 */
export function verdictSql(row: string, whenMatched: WhenMatched): string {
  return `CASE WHEN pr.checkout_request_id IS NULL THEN 'unsolicited'
      WHEN (pr.amount IS NOT NULL AND pr.amount <> ${row}.amount)
        OR (pr.phone_number IS NOT NULL AND ${row}.phone_number IS NOT NULL AND pr.phone_number <> ${row}.phone_number) THEN 'mismatch'
      ELSE '${matchedWord(whenMatched)}' END`;
}

/** Sets the verdict of the successes among `keys` that have none yet (rows updated into a success). Parameters: the keys. */
export function crossCheckSql(keys: number, whenMatched: WhenMatched): string {
  // No UPDATE … JOIN (the dialects spell it differently): one scalar subquery per row, over the same join.
  return `UPDATE transactions SET verdict = (SELECT ${verdictSql("transactions", whenMatched)}
      FROM (SELECT 1 AS one) one ${paymentRequestJoin("transactions")})
    WHERE checkout_request_id IN (${inList(keys)}) AND status = 'Success' AND verdict IS NULL`;
}

// The word goes into the SQL text: only the two known words, never a value from outside.
function matchedWord(w: WhenMatched): WhenMatched {
  if (w !== "matched" && w !== "pending") throw new Error(`verdict for a matching success: ${String(w)} is neither matched nor pending`);
  return w;
}
