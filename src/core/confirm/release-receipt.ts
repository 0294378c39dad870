// When Daraja confirms a success, the receipt that waited for the verdict is queued (the same outbox event the
// batch would have queued: a second one meets the unique key and is skipped).
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import { insertEvents } from "../store/outbox-sql.ts";

export async function releaseReceipt(db: Database, checkoutRequestId: string): Promise<void> {
  const [cause] = await db.sequelize.query<{ request_id: string }>(
    `SELECT request_id FROM callback_logs WHERE checkout_request_id = ? AND processed = 1 AND request_id IS NOT NULL
     AND outcome IN ('new', 'updated', 'late-success') ORDER BY id DESC LIMIT 1`,
    { replacements: [checkoutRequestId], type: QueryTypes.SELECT });
  if (cause === undefined) return; // stored before request ids existed: nothing to point the receipt at
  const event = { checkoutRequestId, kind: "receipt" as const, eventKey: "status:Success", requestId: cause.request_id };
  const statement = insertEvents(db.dialect, [event], null);
  await db.sequelize.query(statement.sql, { replacements: statement.values });
}
