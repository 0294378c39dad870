// A bounded stream of unique success callbacks from a few concurrent clients; it remembers what was acknowledged.
import { successBody } from "./callbacks.ts";

export interface StreamResult {
  sent: number;
  acked: string[]; // CheckoutRequestIDs answered 200
  statuses: Record<string, number>; // every answer or error, counted
}

/** `result` fills in while the stream runs (await conditions on it); `done` resolves with it once every client stopped. */
export function streamCallbacks(url: () => string, prefix: string, o: { clients: number; durationMs: number }): { done: Promise<StreamResult>; stop(): void; result: StreamResult } {
  const result: StreamResult = { sent: 0, acked: [], statuses: {} };
  const deadline = Date.now() + o.durationMs;
  let stopped = false;
  const count = (k: string) => (result.statuses[k] = (result.statuses[k] ?? 0) + 1);
  async function client(c: number): Promise<void> {
    for (let n = 0; !stopped && Date.now() < deadline; n++) {
      const id = `${prefix}c${c}n${n}`;
      result.sent++;
      try {
        const res = await fetch(`${url()}/mpesa/callback`, { method: "POST", body: successBody(id, `R${c}N${n}${prefix.slice(-6)}`.slice(0, 30)), headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(10_000) });
        const body = (await res.json().catch(() => ({}))) as { CheckoutRequestID?: string };
        count(String(res.status));
        if (res.status === 200 && body.CheckoutRequestID === id) result.acked.push(id);
      } catch (e) {
        count((e as { code?: string }).code ?? (e instanceof Error ? e.name : "error"));
        await Bun.sleep(20); // the server is away: do not spin
      }
    }
  }
  const done = Promise.all(Array.from({ length: o.clients }, (_, c) => client(c))).then(() => result);
  return { done, stop: () => void (stopped = true), result };
}
