// The cross-check of a success against our own payment request, in SQL so that it runs inside the batch
// transaction (and in the one-round-trip script) on both dialects: correlated subqueries, no UPDATE … JOIN.

export type Verdict = "matched" | "mismatch" | "unsolicited" | "pending" | "verified" | "unverifiable";

/**
 * Sets the verdict of the successes among `keys` that have none yet: `unsolicited` without a payment request of
 * ours, `mismatch` when the amount or (where both are known) the phone differs, else `whenMatched` (`matched`, or
 * `pending` while Daraja's confirmation is on). Parameters: whenMatched, then the keys.
 */
export function crossCheckSql(keys: number): string {
  const request = "SELECT 1 FROM payment_requests pr WHERE pr.checkout_request_id = transactions.checkout_request_id";
  return `UPDATE transactions SET verdict = CASE
      WHEN NOT EXISTS (${request}) THEN 'unsolicited'
      WHEN EXISTS (${request} AND ((pr.amount IS NOT NULL AND pr.amount <> transactions.amount)
        OR (pr.phone_number IS NOT NULL AND transactions.phone_number IS NOT NULL AND pr.phone_number <> transactions.phone_number)))
        THEN 'mismatch'
      ELSE ? END
    WHERE checkout_request_id IN (${new Array(keys).fill("?").join(",")}) AND status = 'Success' AND verdict IS NULL`;
}

/**
 * The same verdict for a row being inserted, as one expression per row of the INSERT: no second write to the row.
 * Parameters: status, key, key, amount, phone, phone, whenMatched.
 */
export const VERDICT_ON_INSERT = `CASE WHEN ? <> 'Success' THEN NULL
  WHEN NOT EXISTS (SELECT 1 FROM payment_requests pr WHERE pr.checkout_request_id = ?) THEN 'unsolicited'
  WHEN EXISTS (SELECT 1 FROM payment_requests pr WHERE pr.checkout_request_id = ? AND ((pr.amount IS NOT NULL AND pr.amount <> ?)
    OR (pr.phone_number IS NOT NULL AND ? IS NOT NULL AND pr.phone_number <> ?))) THEN 'mismatch'
  ELSE ? END`;
