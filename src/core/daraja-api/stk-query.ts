// M-Pesa Express Query (`POST /mpesa/stkpushquery/v1/query`, SPEC.md §3): asks Daraja how an STK payment ended.
import { callDaraja, createDarajaHttp, type DarajaHttp } from "./daraja-http.ts";
import { scrubSecrets } from "../error-text.ts";
import { createTokenSource, type TokenSource } from "./oauth.ts";
import { createRateLimiter, type RateLimiter } from "./rate-limiter.ts";
import { classifyStkQuery, type StkQueryAnswer } from "./stk-answer.ts";
import { darajaTimestamp, stkPassword } from "./stk-password.ts";

export type { StkQueryAnswer } from "./stk-answer.ts";

export interface DarajaCredentials {
  apiRoot: string; // https://api.safaricom.co.ke, the sandbox, or a test fake; no trailing slash
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
}

export interface StkQueryClient {
  query(checkoutRequestId: string): Promise<StkQueryAnswer>; // never throws: failures are `{kind: "error"}`
  close(): Promise<void>;
}

export interface StkQueryOptions {
  ratePerSecond?: number; // default 5
  timeoutMs?: number; // per phase of a request (connect, headers, body); default 10 s
  now?: () => Date;
}

export function createStkQueryClient(c: DarajaCredentials, o: StkQueryOptions = {}): StkQueryClient {
  const http = createDarajaHttp({ timeoutMs: o.timeoutMs ?? 10_000, secrets: [c.consumerKey, c.consumerSecret, c.passkey] });
  const tokens = createTokenSource({ http, apiRoot: c.apiRoot, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret });
  const limiter = createRateLimiter({ ratePerSecond: o.ratePerSecond ?? 5 });
  const ask = { c, http, tokens, limiter, now: o.now ?? (() => new Date()) };
  return {
    async query(checkoutRequestId) {
      try {
        return await queryOnce(ask, checkoutRequestId);
      } catch (e) {
        return { kind: "error", message: scrubSecrets(e instanceof Error ? e.message : String(e), http.secrets) };
      }
    },
    close: () => http.dispatcher.close(),
  };
}

interface Ask {
  c: DarajaCredentials;
  http: DarajaHttp;
  tokens: TokenSource;
  limiter: RateLimiter;
  now: () => Date;
}

// A 401 means the token expired early or was revoked: fetch a new one and ask once more.
async function queryOnce(a: Ask, checkoutRequestId: string): Promise<StkQueryAnswer> {
  for (let attempt = 1; ; attempt++) {
    const token = await a.tokens.get();
    await a.limiter.take();
    const timestamp = darajaTimestamp(a.now());
    const body = { BusinessShortCode: a.c.shortcode, Password: stkPassword(a.c.shortcode, a.c.passkey, timestamp), Timestamp: timestamp, CheckoutRequestID: checkoutRequestId };
    const http = { ...a.http, secrets: [...a.http.secrets, token, body.Password] };
    const answer = await callDaraja(http, { method: "POST", url: `${a.c.apiRoot}/mpesa/stkpushquery/v1/query`, headers: { authorization: `Bearer ${token}` }, body });
    if (answer.status === 401 && attempt === 1) {
      a.tokens.invalidate(token);
      continue;
    }
    const result = classifyStkQuery(answer.status, answer.body, checkoutRequestId);
    return result.kind === "error" ? { kind: "error", message: scrubSecrets(result.message, http.secrets) } : result;
  }
}
