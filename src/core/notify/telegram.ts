// Sends through node-telegram-bot-api 2.x: explicit timeout, no retries of its own (the outbox retries), token scrubbed.
import { Api, TelegramApiError } from "node-telegram-bot-api";
import { describeError, scrubSecrets } from "../error-text.ts";

export type SendResult =
  | { ok: true; messageId: number }
  | { ok: false; permanent: boolean; retryAfterMs: number | null; error: string };

export type ProbeResult = { ok: true; username: string } | { ok: false; error: string };

export interface TelegramClient {
  send(chatId: string, html: string): Promise<SendResult>;
  getMe(): Promise<ProbeResult>;
}

export interface TelegramOptions {
  token: string;
  apiRoot: string; // the 2.x option name; 0.x's baseApiUrl would be ignored and reach the real Telegram
  timeoutMs: number;
}

// 400: the message or the chat is wrong (bad HTML, chat not found); 403: the bot was blocked or removed from the chat.
// Sending the same request again cannot succeed.
const PERMANENT_CODES: ReadonlySet<number> = new Set([400, 403]);

export function createTelegramClient(options: TelegramOptions): TelegramClient {
  const api = new Api(options.token, { apiRoot: options.apiRoot, timeoutMs: options.timeoutMs, maxRetries: 0 });
  const scrub = tokenScrubber(options.token);
  return {
    async send(chatId, html) {
      try {
        const message = await api.sendMessage({ chat_id: chatId, text: html, parse_mode: "HTML", link_preview_options: { is_disabled: true } });
        return { ok: true, messageId: message.message_id };
      } catch (e) {
        return classifySendError(e, scrub);
      }
    },
    async getMe() {
      try {
        const me = await api.getMe();
        return { ok: true, username: me.username ?? String(me.id) };
      } catch (e) {
        return { ok: false, error: scrub(describeTelegramError(e)) };
      }
    },
  };
}

/** What a failed send means for the row: never final unless Telegram said the request itself is wrong. */
export function classifySendError(e: unknown, scrub: (text: string) => string): SendResult {
  const error = scrub(describeTelegramError(e));
  if (!(e instanceof TelegramApiError)) return { ok: false, permanent: false, retryAfterMs: null, error };
  const retryAfterMs = e.errorCode === 429 && typeof e.retryAfter === "number" ? e.retryAfter * 1000 : null;
  return { ok: false, permanent: PERMANENT_CODES.has(e.errorCode), retryAfterMs, error };
}

function describeTelegramError(e: unknown): string {
  return e instanceof TelegramApiError ? `Telegram ${e.errorCode}: ${e.description}` : describeError(e);
}

/** Removes the bot token (as is, and URL-encoded) from any text: fetch errors may quote the request URL. */
export function tokenScrubber(token: string): (text: string) => string {
  return (text) => scrubSecrets(text, [token], "<bot-token>");
}
