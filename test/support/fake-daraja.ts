// A fake of the remote Daraja API (OAuth + M-Pesa Express Query), scripted per CheckoutRequestID; it records every call.
import type { Server } from "bun";
import success from "../../src/core/daraja/stk/fixtures/stk_query/response_success.json" with { type: "text" };
import cancelled from "../../src/core/daraja/stk/fixtures/stk_query/response_cancelled_1032.json" with { type: "text" };
import processing4999 from "../../src/core/daraja/stk/fixtures/stk_query/response_still_processing_4999.json" with { type: "text" };
import beingProcessed from "../../src/core/daraja/stk/fixtures/stk_query/error_being_processed_500.json" with { type: "text" };
import emptyMessage from "../../src/core/daraja/stk/fixtures/stk_query/error_empty_message_500.json" with { type: "text" };
import spikeArrest from "../../src/core/daraja/stk/fixtures/stk_query/error_spike_arrest.json" with { type: "text" };

/** How one query is answered. `unauthorized` answers 401 as for an expired token. `timeout1037`, `insufficient1` and
 * `undocumented` are final answers shaped as the success fixture, with ResultCode 1037, 1 and 7777. */
export type DarajaAnswer = "success" | "cancelled" | "pending500" | "pending500-empty" | "pending4999" | "spike-arrest" | "quota" | "unauthorized"
  | "timeout1037" | "insufficient1" | "undocumented";

// Final answers the fixtures lack: the success fixture's shape with another code (Daraja sends codes as strings here).
const OTHER_FINALS: Record<string, { ResultCode: string; ResultDesc: string }> = {
  timeout1037: { ResultCode: "1037", ResultDesc: "DS timeout user cannot be reached" },
  insufficient1: { ResultCode: "1", ResultDesc: "The balance is insufficient for the transaction." },
  undocumented: { ResultCode: "7777", ResultDesc: "Something Daraja never documented" },
};

const FILES: Record<string, unknown> = { success, cancelled, pending4999: processing4999, pending500: beingProcessed, "pending500-empty": emptyMessage, "spike-arrest": spikeArrest };

export interface ReceivedQuery {
  checkoutRequestId: string;
  authorization: string;
  body: Record<string, unknown>;
  answer: DarajaAnswer;
}

export class FakeDaraja {
  readonly queries: ReceivedQuery[] = [];
  oauthCalls = 0;
  mode: DarajaAnswer = "success"; // for IDs without a script, or whose script ran out
  /** Runs before each query is answered (after it is recorded): a test can hold an answer back while it acts. */
  beforeAnswer: ((checkoutRequestId: string) => Promise<void> | void) | null = null;
  readonly #scripts = new Map<string, DarajaAnswer[]>();
  readonly #valid = new Set<string>(); // tokens issued and not revoked
  #server: Server<unknown> | null = null;
  #port = 0;

  private constructor(readonly creds: { consumerKey: string; consumerSecret: string }) {}

  static start(creds = { consumerKey: "fake-consumer-key-K3y", consumerSecret: "fake-consumer-secret-S3cr3t" }): FakeDaraja {
    const fake = new FakeDaraja(creds);
    fake.#listen();
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get issuedTokens(): string[] {
    return [...this.#valid];
  }

  /** The next queries for `checkoutRequestId` get these answers, in order; after the last, that one again. */
  script(checkoutRequestId: string, ...answers: DarajaAnswer[]): void {
    this.#scripts.set(checkoutRequestId, answers);
  }

  queriesFor(checkoutRequestId: string): ReceivedQuery[] {
    return this.queries.filter((q) => q.checkoutRequestId === checkoutRequestId);
  }

  /** Every token issued so far stops working (as when Daraja expires one early). */
  revokeTokens(): void {
    this.#valid.clear();
  }

  /** Stops listening: connections are refused until `restart()`. */
  async stop(): Promise<void> {
    await this.#server?.stop(true);
    this.#server = null;
  }

  restart(): void {
    if (this.#server === null) this.#listen();
  }

  #listen(): void {
    this.#server = Bun.serve({ hostname: "127.0.0.1", port: this.#port, fetch: (req) => this.#route(req) });
    this.#port = this.#server.port ?? 0;
  }

  async #route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/oauth/v1/generate" && url.searchParams.get("grant_type") === "client_credentials") return this.#oauth(req);
    if (req.method === "POST" && url.pathname === "/mpesa/stkpushquery/v1/query") return this.#query(req);
    return Response.json({ errorCode: "404.001.01", errorMessage: "Resource not found" }, { status: 404 });
  }

  #oauth(req: Request): Response {
    this.oauthCalls++;
    const expected = `Basic ${Buffer.from(`${this.creds.consumerKey}:${this.creds.consumerSecret}`).toString("base64")}`;
    if (req.headers.get("authorization") !== expected) return Response.json({ errorCode: "400.008.01", errorMessage: "Invalid Authentication passed" }, { status: 400 });
    const token = `fakeToken${crypto.randomUUID().replaceAll("-", "")}`;
    this.#valid.add(token);
    return Response.json({ access_token: token, expires_in: "3599" }); // Daraja sends expires_in as a string
  }

  async #query(req: Request): Promise<Response> {
    const body = (await req.json().catch(() => ({}))) as Record<string, unknown>;
    const id = String(body.CheckoutRequestID ?? "");
    const authorization = req.headers.get("authorization") ?? "";
    const tokenOk = authorization.startsWith("Bearer ") && this.#valid.has(authorization.slice(7));
    const script = this.#scripts.get(id);
    const answer: DarajaAnswer = !tokenOk ? "unauthorized" : script !== undefined && script.length > 0 ? (script.length > 1 ? (script.shift() as DarajaAnswer) : (script[0] as DarajaAnswer)) : this.mode;
    this.queries.push({ checkoutRequestId: id, authorization, body, answer });
    if (tokenOk) await this.beforeAnswer?.(id);
    return respond(answer, id);
  }
}

function respond(answer: DarajaAnswer, id: string): Response {
  if (answer === "unauthorized") return Response.json({ requestId: "fake-401", errorCode: "404.001.03", errorMessage: "Invalid Access Token" }, { status: 401 });
  if (answer === "quota") return Response.json({ requestId: "fake-quota", errorCode: "500.003.03", errorMessage: "Error Occurred: Quota Violation" }, { status: 500 });
  const other = OTHER_FINALS[answer];
  const fixture = { ...(JSON.parse(String(FILES[other === undefined ? answer : "success"])) as Record<string, unknown>), ...other };
  if ("errorCode" in fixture) return Response.json(fixture, { status: 500 });
  return Response.json({ ...fixture, CheckoutRequestID: id });
}
