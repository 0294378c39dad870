// An outbox test bench: a fresh database, a fake Bot API, a store that queues notifications, notifiers on demand.
import { createConsola, type ConsolaInstance } from "consola";
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";
import { createCallbackStore, type CallbackStore } from "../../src/core/store/callback-store.ts";
import { startNotifier, type Notifier, type NotifierTuning } from "../../src/core/notify/notifier.ts";
import { createTestDatabase, type TestDialect, type TestDatabase } from "./databases.ts";
import { FakeTelegram } from "./fake-telegram.ts";

export const BOT_TOKEN = "4242:AAH-test_token-secret";
export const ADMIN_CHAT = "-1009999";

// Short waits between retries so that they happen within a test, but send and probe timeouts that a busy 2-core
// machine meets: a send that times out after Telegram took it would be sent twice. The lease must outlast a send by 2 s.
export const FAST: Partial<NotifierTuning> = {
  pollMs: 20, sendTimeoutMs: 10_000, leaseMs: 15_000, batchSize: 10, probeTimeoutMs: 10_000, maxPerSecond: 1_000,
  policy: { maxAttempts: 6, baseDelayMs: 40, maxDelayMs: 200 },
};

/** For tests where Telegram never answers: the send must time out for the retry to happen, so a shorter timeout. */
export const HANGING_TELEGRAM: Partial<NotifierTuning> = { sendTimeoutMs: 2_000, leaseMs: 5_000 };

export interface OutboxRow {
  id: number;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  messageId: number | null;
  message: string | null;
  error: string | null;
}

export class OutboxBench {
  readonly logs: string[] = [];
  readonly logger: ConsolaInstance;
  #notifiers: Notifier[] = [];
  #extraDbs: Database[] = [];

  private constructor(readonly tdb: TestDatabase, readonly db: Database, readonly fake: FakeTelegram, readonly store: CallbackStore) {
    this.logger = createConsola({ level: 4, reporters: [{ log: (o) => void this.logs.push(`${o.type}: ${o.args.map(String).join(" ")}`) }] });
  }

  static async open(dialect: TestDialect): Promise<OutboxBench> {
    const tdb = await createTestDatabase(dialect);
    const db = await openDatabase(tdb.target);
    await migrate(db);
    const store = createCallbackStore(db, { notify: { adminChatId: ADMIN_CHAT, receipts: true } });
    return new OutboxBench(tdb, db, FakeTelegram.start(BOT_TOKEN), store);
  }

  /** A notifier as `serve` starts it; `ownDatabase`: with its own connection pool, as another process would. */
  async startNotifier(o: { ownDatabase?: boolean; token?: string; tuning?: Partial<NotifierTuning> } = {}): Promise<Notifier> {
    const db = o.ownDatabase ? await openDatabase(this.tdb.target) : this.db;
    if (o.ownDatabase) this.#extraDbs.push(db);
    const telegram = { token: "token" in o ? o.token : BOT_TOKEN, adminChatId: ADMIN_CHAT, apiRoot: this.fake.apiRoot, adminShowPhone: false };
    const notifier = startNotifier({ db, config: { telegram }, logger: this.logger, tuning: { ...FAST, ...o.tuning } });
    this.#notifiers.push(notifier);
    return notifier;
  }

  async addUser(chatId: string, phone: string, firstName: string): Promise<void> {
    await this.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name) VALUES (?, ?, ?)", { replacements: [chatId, phone, firstName] });
  }

  async rows(): Promise<OutboxRow[]> {
    const rows = await this.db.sequelize.query<Record<string, unknown>>(
      "SELECT id, notification_type, recipient, status, attempts, telegram_message_id, message, error_message FROM notifications ORDER BY id",
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      id: Number(r.id), kind: String(r.notification_type), recipient: String(r.recipient), status: String(r.status), attempts: Number(r.attempts),
      messageId: r.telegram_message_id === null ? null : Number(r.telegram_message_id), message: r.message as string | null, error: r.error_message as string | null,
    }));
  }

  /** Waits until every row is settled (sent or failed), then stops all notifiers: nothing is in flight afterwards. */
  async settle(expectedRows: number, limitMs = 30_000): Promise<OutboxRow[]> {
    await waitFor(async () => {
      const rows = await this.rows();
      return rows.length === expectedRows && rows.every((r) => r.status !== "pending");
    }, `${expectedRows} settled outbox rows`, limitMs);
    await this.stopNotifiers();
    return this.rows();
  }

  async stopNotifiers(): Promise<void> {
    await Promise.all(this.#notifiers.splice(0).map((n) => n.stop()));
  }

  async close(): Promise<void> {
    await this.stopNotifiers();
    await this.fake.stop();
    for (const db of this.#extraDbs) await db.close();
    await this.db.close();
    await this.tdb.drop();
  }
}

/** Polls until `check` holds; fails the test with `what` after 15 s (a bound, not a timing assertion). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}
