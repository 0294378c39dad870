// Daraja's OAuth token: fetched with the consumer key and secret, cached until shortly before it expires, one fetch at a time.
import { callDaraja, DarajaHttpError, type DarajaHttp } from "./daraja-http.ts";

export interface TokenSource {
  /** A valid bearer token: the cached one, or a new one (callers at the same moment share one fetch). */
  get(): Promise<string>;
  /** Daraja refused `token` (401): the next get() fetches a new one. A newer cached token is kept. */
  invalidate(token: string): void;
}

export interface TokenSourceOptions {
  http: DarajaHttp;
  apiRoot: string;
  consumerKey: string;
  consumerSecret: string;
  refreshMarginMs?: number; // renew this long before `expires_in` runs out (default 60 s, at most half the lifetime)
  now?: () => number;
}

export function createTokenSource(o: TokenSourceOptions): TokenSource {
  const now = o.now ?? Date.now;
  let cached: { token: string; renewAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const basic = Buffer.from(`${o.consumerKey}:${o.consumerSecret}`).toString("base64");
    const answer = await callDaraja({ ...o.http, secrets: [...o.http.secrets, basic] }, {
      method: "GET", url: `${o.apiRoot}/oauth/v1/generate?grant_type=client_credentials`, headers: { authorization: `Basic ${basic}` },
    });
    const body = (answer.body ?? {}) as { access_token?: unknown; expires_in?: unknown };
    // Daraja sends expires_in as a string ("3599").
    const lifetimeMs = Number(body.expires_in) * 1000;
    if (answer.status !== 200 || typeof body.access_token !== "string" || body.access_token === "" || !(lifetimeMs > 0)) {
      const check = answer.status === 400 || answer.status === 401 ? "MPESA_CONSUMER_KEY and MPESA_CONSUMER_SECRET" : "MPESA_API_ROOT";
      throw new DarajaHttpError(`Daraja gave no OAuth token (HTTP ${answer.status}): check ${check}`);
    }
    const margin = Math.min(o.refreshMarginMs ?? 60_000, lifetimeMs / 2);
    cached = { token: body.access_token, renewAt: now() + lifetimeMs - margin };
    return body.access_token;
  }

  return {
    get() {
      if (cached !== null && now() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= fetchToken().finally(() => (inFlight = null));
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}
