// The cross-check of a success against our own payment request, in SQL so that it runs inside the batch
// transaction (and in the one-round-trip script) on both dialects: correlated subqueries, no UPDATE … JOIN.
import { inList } from "./raw-sql.ts";

export type Verdict = "matched" | "mismatch" | "unsolicited" | "pending" | "verified" | "unverifiable";

/**
 * The verdict of a success: `unsolicited` without a payment request of ours, `mismatch` when the amount or (where
 * both are known) the phone differs, else the last parameter (`matched`, or `pending` while Daraja confirms).
 * `row` names the success's key, amount and phone: columns of `transactions`, or `?` placeholders.
 */
function verdictOf(row: { key: string; amount: string; phone: string }): string {
  const request = `SELECT 1 FROM payment_requests pr WHERE pr.checkout_request_id = ${row.key}`;
  return `CASE
      WHEN NOT EXISTS (${request}) THEN 'unsolicited'
      WHEN EXISTS (${request} AND ((pr.amount IS NOT NULL AND pr.amount <> ${row.amount})
        OR (pr.phone_number IS NOT NULL AND ${row.phone} IS NOT NULL AND pr.phone_number <> ${row.phone})))
        THEN 'mismatch'
      ELSE ? END`;
}

/** Sets the verdict of the successes among `keys` that have none yet. Parameters: whenMatched, then the keys. */
export function crossCheckSql(keys: number): string {
  const row = { key: "transactions.checkout_request_id", amount: "transactions.amount", phone: "transactions.phone_number" };
  return `UPDATE transactions SET verdict = ${verdictOf(row)}
    WHERE checkout_request_id IN (${inList(keys)}) AND status = 'Success' AND verdict IS NULL`;
}

/**
 * The same verdict for a row being inserted, as one expression per row of the INSERT: no second write to the row.
 * Parameters: status, key, key, amount, phone, phone, whenMatched.
 */
export const VERDICT_ON_INSERT = `CASE WHEN ? <> 'Success' THEN NULL ELSE ${verdictOf({ key: "?", amount: "?", phone: "?" })} END`;
