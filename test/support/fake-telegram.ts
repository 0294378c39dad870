// A fake of the remote Telegram Bot API (not of our code): answers sendMessage and getMe as a test tells it to.
import type { Server } from "bun";

/** How the next sendMessage requests are answered. `hang` never answers; `refuse` is `stop()`. */
export type FakeAnswer = "ok" | "429" | "500" | "hang" | "400" | "403";

export interface Delivered {
  chatId: string;
  text: string;
  parseMode: string | null;
  messageId: number;
}

export class FakeTelegram {
  readonly token: string;
  readonly delivered: Delivered[] = [];
  readonly answered: FakeAnswer[] = []; // every sendMessage request, in order, with how it was answered
  mode: FakeAnswer = "ok"; // after the script runs out
  retryAfterSeconds = 1;
  getMeCalls = 0;
  requests = 0; // every HTTP request, whatever its path or token
  #script: FakeAnswer[] = [];
  #server: Server<unknown> | null = null;
  #port = 0;
  #hung: (() => void)[] = [];

  private constructor(token: string) {
    this.token = token;
  }

  static start(token: string): FakeTelegram {
    const fake = new FakeTelegram(token);
    fake.#listen();
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The next requests are answered like this, one each, then `mode` again. */
  script(...answers: FakeAnswer[]): void {
    this.#script.push(...answers);
  }

  /** Stops listening: connections are refused until `restart()`. */
  async stop(): Promise<void> {
    for (const release of this.#hung.splice(0)) release();
    await this.#server?.stop(true);
    this.#server = null;
  }

  restart(): void {
    if (this.#server === null) this.#listen();
  }

  deliveredTo(chatId: string): Delivered[] {
    return this.delivered.filter((d) => d.chatId === chatId);
  }

  #listen(): void {
    this.#server = Bun.serve({ hostname: "127.0.0.1", port: this.#port, fetch: (req) => this.#answer(req) });
    this.#port = this.#server.port ?? 0;
  }

  async #answer(req: Request): Promise<Response> {
    this.requests++;
    const path = new URL(req.url).pathname;
    if (!path.startsWith(`/bot${this.token}/`)) return apiError(404, "Not Found");
    const method = path.slice(`/bot${this.token}/`.length);
    if (method === "getMe") {
      this.getMeCalls++;
      return Response.json({ ok: true, result: { id: 42, is_bot: true, first_name: "Payments", username: "payments_bot" } });
    }
    if (method !== "sendMessage") return apiError(404, "Not Found");
    const form = new URLSearchParams(await req.text());
    const answer = this.#script.shift() ?? this.mode;
    this.answered.push(answer);
    if (answer === "ok") return this.#deliver(form);
    if (answer === "hang") return new Promise((resolve) => this.#hung.push(() => resolve(apiError(502, "Bad Gateway"))));
    if (answer === "429") return apiError(429, `Too Many Requests: retry after ${this.retryAfterSeconds}`, { retry_after: this.retryAfterSeconds });
    if (answer === "400") return apiError(400, "Bad Request: chat not found");
    if (answer === "403") return apiError(403, "Forbidden: bot was blocked by the user");
    return apiError(500, "Internal Server Error");
  }

  #deliver(form: URLSearchParams): Response {
    const text = form.get("text") ?? "";
    const parseMode = form.get("parse_mode");
    // Like Telegram: text that is not valid HTML is refused, so an unescaped `<` or `&` fails the test that sends it.
    const problem = parseMode === "HTML" ? htmlProblem(text) : null;
    if (problem !== null) return apiError(400, `Bad Request: can't parse entities: ${problem}`);
    const delivered = { chatId: form.get("chat_id") ?? "", text, parseMode, messageId: 1000 + this.delivered.length };
    this.delivered.push(delivered);
    return Response.json({ ok: true, result: { message_id: delivered.messageId, date: 0, chat: { id: Number(delivered.chatId) || 0, type: "private" }, text } });
  }
}

function apiError(code: number, description: string, parameters?: Record<string, unknown>): Response {
  return Response.json({ ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) }, { status: code });
}

// Telegram's HTML mode: a few tags, properly nested, and `&` only as an entity.
const TAG = /^<(\/?)(b|strong|i|em|u|s|code|pre)>/;
const ENTITY = /^&(lt|gt|amp|quot);/;

export function htmlProblem(text: string): string | null {
  const open: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const rest = text.slice(i);
    if (text[i] === "&" && !ENTITY.test(rest)) return `unsupported entity at byte offset ${i}`;
    if (text[i] !== "<") continue;
    const tag = TAG.exec(rest);
    if (tag === null) return `unsupported start tag at byte offset ${i}`;
    if (tag[1] === "/" && open.pop() !== tag[2]) return `unmatched end tag at byte offset ${i}`;
    if (tag[1] === "") open.push(tag[2] as string);
    i += tag[0].length - 1;
  }
  return open.length > 0 ? "unclosed start tag" : null;
}
