// A reconciliation test bench: a migrated database, the local fake Daraja, payment requests of a given age, a
// callback store that writes as serve does, and readers for the rows a pass may write.
import { QueryTypes } from "sequelize";
import { createStkQueryClient, type StkQueryClient } from "../../../src/core/daraja-api/stk-query.ts";
import { createCallbackStore } from "../../../src/core/store/callback-store.ts";
import type { Database } from "../../../src/core/store/database.ts";
import type { NotifyTargets } from "../../../src/core/notify/notification-plan.ts";
import { runReconcile, type ReconcilePass, type ReconcileReport } from "../../../src/core/reconcile/reconcile.ts";
import type { StkCallback } from "../../../src/core/daraja/stk/parse-stk.ts";
import { toSqlUtc } from "../../../src/core/time.ts";
import { FakeDaraja } from "../../support/fake-daraja.ts";
import { loadNotifications } from "../../../src/core/store/outbox-rows.ts";
import { renderNotification } from "../../../src/core/notify/messages.ts";
import { openConfirmDb, type ConfirmDb } from "../../support/confirm-db.ts";
import { item, uniqueId } from "../../support/callbacks.ts";
import type { TestDialect } from "../../support/databases.ts";

export const ADMIN = "-100777001";
export const PAYER = "777000111"; // the user who asked for every payment request below
export const NOTIFY: NotifyTargets = { adminChatId: ADMIN, receipts: true };
export const AFTER_MS = 120_000;
export const MAX_AGE_MS = 7 * 86_400_000;

export class ReconcileBench {
  private constructor(readonly cdb: ConfirmDb, readonly fake: FakeDaraja, readonly client: StkQueryClient) {}

  static async open(dialect: TestDialect): Promise<ReconcileBench> {
    const fake = FakeDaraja.start();
    const cdb = await openConfirmDb(dialect);
    const client = createStkQueryClient({ apiRoot: fake.apiRoot, ...fake.creds, shortcode: "600999", passkey: "fake-passkey-reconcile" }, { ratePerSecond: 1000, timeoutMs: 2_000 });
    return new ReconcileBench(cdb, fake, client);
  }

  get db(): Database {
    return this.cdb.db;
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.fake.stop();
    await this.cdb.close();
  }

  /** Every test starts from empty tables (one database per suite: migrating is slow on MariaDB). */
  async wipe(): Promise<void> {
    for (const t of ["notifications", "callback_logs", "transactions", "payment_requests", "users"]) await this.db.sequelize.query(`DELETE FROM ${t}`);
    await this.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, '254700000001', 'Wanjiru')", { replacements: [PAYER] });
  }

  /** A payment request of ours (KES 1,500 from 254700000001), made `ageMs` ago; its CheckoutRequestID. */
  async request(ageMs = 600_000, id = uniqueId("ws_CO_REC")): Promise<string> {
    await this.db.sequelize.query(
      `INSERT INTO payment_requests (user_id, checkout_request_id, merchant_request_id, phone_number, amount, account_reference, created_at)
       VALUES ((SELECT id FROM users WHERE telegram_chat_id = ?), ?, ?, '254700000001', 1500.00, 'INV-42', ?)`,
      { replacements: [PAYER, id, `m-${id}`, toSqlUtc(new Date(Date.now() - ageMs))] });
    return id;
  }

  /** A transactions row as a callback (or the original server) left it. */
  async storedPayment(id: string, status: string, o: { resultCode?: string | null; ageMs?: number } = {}): Promise<void> {
    await this.db.sequelize.query(
      "INSERT INTO transactions (checkout_request_id, result_code, status, created_at) VALUES (?, ?, ?, ?)",
      { replacements: [id, o.resultCode ?? null, status, toSqlUtc(new Date(Date.now() - (o.ageMs ?? 0)))] });
  }

  /** A callback arriving as serve writes it (same store, same notifications), through `db` (default: the bench's). */
  callback(cb: StkCallback, db: Database = this.db): Promise<string[]> {
    return createCallbackStore(db, { notify: NOTIFY }).writeBatch([item(cb)]);
  }

  pass(o: Partial<ReconcilePass> = {}): Promise<ReconcileReport> {
    return runReconcile({ db: this.db, query: (id) => this.client.query(id), notify: NOTIFY, afterMs: AFTER_MS, maxAgeMs: MAX_AGE_MS, ...o });
  }

  async payment(id: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.db.sequelize.query<Record<string, unknown>>(
      `SELECT status, result_code, result_desc, amount, mpesa_receipt_number, phone_number, superseded_status, conflict_count,
       last_conflict_code, verdict, verdict_detail FROM transactions WHERE checkout_request_id = ?`,
      { replacements: [id], type: QueryTypes.SELECT });
    return row === undefined ? undefined : { ...row, amount: row.amount === null ? null : Number(row.amount), conflict_count: Number(row.conflict_count) };
  }

  logs(id: string): Promise<Record<string, unknown>[]> {
    return this.db.sequelize.query<Record<string, unknown>>(
      "SELECT family, route, source_verdict, source_ip, outcome, result_code, processed, http_status, raw_payload FROM callback_logs WHERE checkout_request_id = ? ORDER BY id",
      { replacements: [id], type: QueryTypes.SELECT });
  }

  notifications(id: string): Promise<{ kind: string; recipient: string; event_key: string }[]> {
    return this.db.sequelize.query<{ kind: string; recipient: string; event_key: string }>(
      `SELECT n.notification_type AS kind, n.recipient, n.event_key FROM notifications n JOIN transactions t ON t.id = n.transaction_id
       WHERE t.checkout_request_id = ? ORDER BY n.id`, { replacements: [id], type: QueryTypes.SELECT });
  }

  /** The texts the outbox worker would send for this payment's notifications, as it renders them (in id order). */
  async rendered(id: string): Promise<string[]> {
    const rows = await this.db.sequelize.query<{ id: unknown }>(
      "SELECT n.id FROM notifications n JOIN transactions t ON t.id = n.transaction_id WHERE t.checkout_request_id = ? ORDER BY n.id",
      { replacements: [id], type: QueryTypes.SELECT });
    const claimed = await loadNotifications(this.db, rows.map((r) => Number(r.id)));
    return claimed.map((c) => renderNotification(c.view, { showPhone: false }));
  }

  /** Rows in every table a pass could write to. */
  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of ["transactions", "callback_logs", "notifications", "payment_requests"]) {
      const [r] = await this.db.sequelize.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t}`, { type: QueryTypes.SELECT });
      out[t] = Number(r?.n);
    }
    return out;
  }
}
