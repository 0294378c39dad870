// Rows with personal data in every table retention touches, at a given age (test helper for purge).
import { sqlTime } from "../../../src/core/store/callback-log-sql.ts";
import type { Database } from "../../../src/core/store/database.ts";

/** A tolerated oddity quoting a phone number, as the STK parser words it. */
export const PROBLEMS = JSON.stringify([{ path: "Body.stkCallback.CallbackMetadata.Item[3].Value", message: "must be a phone number, got \"0708374149 \"" }]);

export const daysAgo = (n: number) => sqlTime(new Date(Date.now() - n * 86_400_000));

/** One row per table with personal data, `age` days old; `tag` keeps keys apart. */
export async function seed(db: Database, tag: string, age: number): Promise<void> {
  const at = daysAgo(age);
  const q = (sql: string, values: unknown[]) => db.sequelize.query(sql, { replacements: values });
  await q("INSERT INTO users (telegram_chat_id, phone_number, first_name, last_name, created_at, updated_at) VALUES (?,?,?,?,?,?)",
    [Number(`${age}${tag.length}`) + Math.floor(Math.random() * 1e6), "254700000011", "Jane", "Doe", at, at]);
  await q(`INSERT INTO transactions (checkout_request_id, merchant_request_id, result_code, result_desc, amount, mpesa_receipt_number, phone_number,
      transaction_date, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    [`ws_CO_${tag}`, `m-${tag}`, "0", "ok", "1500.00", `R${tag}`.slice(0, 10).toUpperCase(), "254708374149", at, "Success", at, at]);
  await q("INSERT INTO payment_requests (checkout_request_id, phone_number, amount, account_reference, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
    [`ws_CO_${tag}`, "0708374149", "1500.00", "INV-1", "Completed", at, at]);
  await q(`INSERT INTO c2b_payments (trans_id, amount, msisdn, msisdn_kind, first_name, middle_name, last_name, status, bill_ref_number, created_at)
      VALUES (?,?,?,?,?,?,?,?,?,?)`, [`C${tag}`.toUpperCase(), "250.00", "254708374150", "plain", "JOHN", "", "DOE", "Paid", "INV-2", at]);
  await q(`INSERT INTO c2b_payments (trans_id, amount, msisdn, msisdn_kind, first_name, status, created_at) VALUES (?,?,?,?,?,?,?)`,
    [`D${tag}`.toUpperCase(), "10.00", "2547 ***** 126", "masked", "ANN", "Paid", at]);
  await q(`INSERT INTO daraja_results (api, result_key, transaction_id, result_code, status, amount, credit_party, debit_party, parameters, created_at, updated_at)
      VALUES (?,?,?,?,?,?,?,?,?,?,?)`, ["b2c", `k-${tag}`, `T${tag}`.slice(0, 10).toUpperCase(), "0", "Success", "500.00", "254700000004 - TEST RECIPIENT", null,
    JSON.stringify({ TransactionAmount: "500", ReceiverPartyPublicName: "254700000004 - TEST RECIPIENT" }), at, at]);
  await q("INSERT INTO daraja_results (api, result_key, status, parameters, created_at, updated_at) VALUES (?,?,?,?,?,?)",
    ["balance", `b-${tag}`, "Success", JSON.stringify({ AccountBalance: "Working Account|KES|1.00|1.00|0.00|0.00" }), at, at]);
  await q("INSERT INTO b2c_requests (originator_conversation_id, amount, phone, purpose, created_at) VALUES (?,?,?,?,?)", [`k-${tag}`, "500.00", "254700000004", "refund", at]);
  await q("INSERT INTO notifications (notification_type, recipient, message, status, created_at) VALUES (?,?,?,?,?)", ["receipt", "12345", "Paid KES 1,500 by Jane", "sent", at]);
  await q("INSERT INTO notifications (notification_type, recipient, message, status, created_at) VALUES (?,?,?,?,?)", ["admin", "-100777", null, "pending", at]);
  await q("INSERT INTO callback_logs (request_id, family, raw_payload, received_at, created_at, outcome, http_status, processed, problems) VALUES (?,?,?,?,?,?,?,?,?)",
    [crypto.randomUUID(), "stk", `{"Body":{"tag":"${tag}"}}`, at, at, "new", 200, 1, PROBLEMS]);
  // The original server's row: no received_at, only created_at.
  await q("INSERT INTO callback_logs (raw_payload, created_at, processed) VALUES (?,?,?)", [`{"legacy":"${tag}"}`, at, 1]);
}

