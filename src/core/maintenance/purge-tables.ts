// What retention changes, table by table: raw bodies and sent message texts go (NULL), phone numbers and names are
// masked; amounts, receipts, statuses, codes and times stay. `users` stays: it is the bot's list of the merchant's
// customers (an account, not a record of a payment), removed by the business, not by age.
import { maskIdentifier, maskName, maskParameters, maskParty, maskPhonesInText } from "./masking.ts";

export interface PurgeColumn {
  name: string;
  purge: (v: string) => string | null; // the value after retention
}

export interface PurgeTable {
  table: string;
  what: string; // for the report: what it does to each row
  time: string; // the row's time, UTC
  columns: readonly PurgeColumn[];
  pending: string; // SQL: the row may still hold personal data (a cheap filter; the masks decide)
  keep?: readonly string[]; // columns assigned to themselves: MySQL's ON UPDATE CURRENT_TIMESTAMP must not move them
}

const gone = (): null => null;
const unmasked = (c: string) => `(${c} IS NOT NULL AND ${c} <> '' AND ${c} NOT LIKE '%*%')`;

export const PURGE_TABLES: readonly PurgeTable[] = [
  {
    // The problems of a request may quote a value (`got "2547…"`): its phone numbers are masked with the body.
    table: "callback_logs", what: "raw bodies deleted", time: "COALESCE(received_at, created_at)",
    columns: [{ name: "raw_payload", purge: gone }, { name: "problems", purge: maskPhonesInText }], pending: "raw_payload IS NOT NULL",
  },
  {
    table: "transactions", what: "phone numbers masked", time: "created_at",
    columns: [{ name: "phone_number", purge: maskIdentifier }], pending: unmasked("phone_number"), keep: ["updated_at"],
  },
  {
    table: "payment_requests", what: "phone numbers masked", time: "created_at",
    columns: [{ name: "phone_number", purge: maskIdentifier }], pending: unmasked("phone_number"), keep: ["updated_at"],
  },
  {
    table: "c2b_payments", what: "MSISDNs and names masked", time: "created_at",
    columns: [{ name: "msisdn", purge: maskIdentifier }, { name: "first_name", purge: maskName }, { name: "middle_name", purge: maskName }, { name: "last_name", purge: maskName }],
    pending: `(${["msisdn", "first_name", "middle_name", "last_name"].map(unmasked).join(" OR ")})`,
  },
  {
    table: "daraja_results", what: "parties masked", time: "created_at",
    columns: [{ name: "credit_party", purge: maskParty }, { name: "debit_party", purge: maskParty }, { name: "parameters", purge: maskParameters }],
    pending: `(${["credit_party", "debit_party", "parameters"].map(unmasked).join(" OR ")})`,
  },
  {
    table: "b2c_requests", what: "phone numbers masked", time: "created_at",
    columns: [{ name: "phone", purge: maskIdentifier }], pending: unmasked("phone"),
  },
  {
    // The text a notification was sent with names the payer; a pending one is still to be sent (and has none yet).
    table: "notifications", what: "message texts deleted", time: "created_at",
    columns: [{ name: "message", purge: gone }], pending: "message IS NOT NULL AND (status IS NULL OR status <> 'pending')",
  },
];
