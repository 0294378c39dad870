// One log line when Telegram or the database stops answering the outbox worker, one when it answers again.
import type { ConsolaInstance } from "consola";
import type { Verdict } from "./delivery-policy.ts";
import { reason } from "../store/database.ts";
import { maskDigits } from "./log-text.ts";

export class OutboxHealthLog {
  readonly #logger: ConsolaInstance;
  #telegramDown = false;
  #databaseDown = false;

  constructor(logger: ConsolaInstance) {
    this.#logger = logger;
  }

  telegram(verdict: Verdict): void {
    const down = verdict.action === "retry" && !verdict.rateLimited;
    if (down && !this.#telegramDown) this.#logger.warn(`Telegram is not answering (${maskDigits(verdict.error)}): notifications wait in the outbox`);
    if (verdict.action === "sent" && this.#telegramDown) this.#logger.info("Telegram answers again: sending the outbox");
    if (down) this.#telegramDown = true;
    if (verdict.action === "sent") this.#telegramDown = false;
  }

  database(error: unknown): void {
    if (error !== null && !this.#databaseDown) this.#logger.error(`the outbox cannot be read: ${reason(error)}; notifications wait`);
    this.#databaseDown = error !== null;
  }
}
