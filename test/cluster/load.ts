// Load for the cluster test: unique STK successes through HAProxy, plus duplicates sent at once to both instances,
// and the tally afterwards (sent, acked, stored, lost, doubled, alerts and receipts delivered) for one fault.
import type { Cluster } from "../../scripts/cluster/cluster.ts";
import { successBody } from "../support/callbacks.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

export interface Load {
  prefix: string;
  acked(): number;
  stop(): Promise<{ sent: number; acked: Set<string>; statuses: Record<string, number> }>;
}

export interface Tally {
  sent: number;
  acked: number;
  stored: number;
  lost: number; // acknowledged, not stored
  doubled: number; // stored more than once
  alerts: number; // admin alerts delivered for this fault's payments
  receipts: number; // payer receipts delivered
  alertsMissing: number;
  alertsDoubled: number;
  receiptsMissing: number;
  receiptsDoubled: number;
  statuses: Record<string, number>;
}

// The notifier sends at most 25 messages/s per instance and each payment gets two (alert, receipt): the load stays
// near 20 payments/s so that every delivery can be awaited and counted within the test's few minutes.
const CLIENTS = 4;
const PAUSE_MS = 250;

/** `tag` (6 capitals) ends every receipt number of this load, so that Telegram messages can be told apart. */
export function startLoad(cluster: Cluster, tag: string): Load {
  const prefix = `ws_CO_${tag}`;
  const state = { sent: 0, acked: new Set<string>(), statuses: {} as Record<string, number>, stopped: false };
  const post = (url: string, id: string, body: string) => fetch(`${url}/mpesa/callback`, { method: "POST", body, headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(20_000) })
    .then(async (r) => {
      count(state.statuses, String(r.status));
      return r.status === 200 && ((await r.json()) as { CheckoutRequestID?: string }).CheckoutRequestID === id;
    }, (e: unknown) => (count(state.statuses, (e as { code?: string }).code ?? (e instanceof Error ? e.name : "error")), false));
  // Unique successes through HAProxy, and duplicates: the same callback at once to both instances directly.
  const through = async (c: number) => {
    for (let n = 0; !state.stopped; n++) {
      const id = `${prefix}c${c}n${n}`;
      state.sent++;
      if (await post(cluster.url, id, successBody(id, `R${c}N${n}${tag}`))) state.acked.add(id);
      await Bun.sleep(PAUSE_MS);
    }
  };
  const duplicates = async () => {
    for (let n = 0; !state.stopped; n++) {
      const id = `${prefix}d${n}`;
      const body = successBody(id, `D${n}${tag}`);
      state.sent += cluster.instances.length;
      if ((await Promise.all(cluster.instances.map((x) => post(x.url, id, body)))).some(Boolean)) state.acked.add(id);
      await Bun.sleep(PAUSE_MS);
    }
  };
  const running = Promise.all([...Array.from({ length: CLIENTS }, (_, c) => through(c)), duplicates()]);
  return {
    prefix,
    acked: () => state.acked.size,
    async stop() {
      state.stopped = true;
      await running;
      return { sent: state.sent, acked: state.acked, statuses: state.statuses };
    },
  };
}

function count(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

/** Counts what the load left: rows (asked of node3, which no fault touches) and the fake Bot API's deliveries. */
export async function tally(cluster: Cluster, fake: FakeTelegram, o: { tag: string; prefix: string; admin: string; payer: string; sent: number; acked: Set<string>; statuses: Record<string, number> }): Promise<Tally> {
  const node = cluster.nodes[2];
  if (node === undefined) throw new Error("no node3");
  const rows = node.sql(`SELECT checkout_request_id, mpesa_receipt_number FROM mpesa_cb.transactions WHERE RIGHT(mpesa_receipt_number, 6) = '${o.tag}'`)
    .split("\n").filter((l) => l !== "").map((l) => l.split("\t") as [string, string]);
  const perId = countBy(rows.map(([id]) => id));
  const receipts = new Set(rows.map(([, receipt]) => receipt));
  // Every outbox row of this load sent (none pending or failed), then count what reached the fake.
  await waitFor(() => node.sql(`SELECT COUNT(*) FROM mpesa_cb.notifications WHERE status <> 'sent' AND RIGHT(payment_receipt, 6) = '${o.tag}'`) === "0"
    && delivered(fake, o.admin, o.tag).size >= receipts.size && delivered(fake, o.payer, o.tag).size >= receipts.size,
  { what: `every alert and receipt of ${o.tag} sent (${receipts.size} payments)`, timeoutMs: 120_000, intervalMs: 250 });
  const alerts = deliveredCounts(fake, o.admin, o.tag);
  const toPayer = deliveredCounts(fake, o.payer, o.tag);
  return {
    sent: o.sent, acked: o.acked.size, stored: perId.size,
    lost: [...o.acked].filter((id) => !perId.has(id)).length,
    doubled: [...perId.values()].filter((n) => n > 1).length,
    alerts: sum(alerts), receipts: sum(toPayer),
    alertsMissing: [...receipts].filter((r) => !alerts.has(r)).length, alertsDoubled: [...alerts.values()].filter((n) => n > 1).length,
    receiptsMissing: [...receipts].filter((r) => !toPayer.has(r)).length, receiptsDoubled: [...toPayer.values()].filter((n) => n > 1).length,
    statuses: o.statuses,
  };
}

/** Receipt number → messages delivered to `chat` naming it (every message names its payment's receipt). */
function deliveredCounts(fake: FakeTelegram, chat: string, tag: string): Map<string, number> {
  const receipts = fake.deliveredTo(chat).flatMap((d) => [...d.text.matchAll(/<code>([A-Z0-9]+)<\/code>/g)].map((m) => m[1] as string).filter((r) => r.endsWith(tag)).slice(0, 1));
  return countBy(receipts);
}

function delivered(fake: FakeTelegram, chat: string, tag: string): Map<string, number> {
  return deliveredCounts(fake, chat, tag);
}

function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

function sum(m: Map<string, number>): number {
  return [...m.values()].reduce((a, b) => a + b, 0);
}

/**
 * Without a fault: a callback X sent at once to both instances (two Galera nodes), while each instance also gets a
 * unique callback at the same moment (Y to instance2, Z to instance1), so that the duplicate and a unique callback
 * share a batch. `concurrency` such triples at a time, `rounds` times.
 */
export async function raceDuplicates(cluster: Cluster, tag: string, o: { rounds: number; concurrency: number }): Promise<{ sent: number; acked: Set<string>; answered200: number; statuses: Record<string, number> }> {
  const [one, two] = cluster.instances;
  if (one === undefined || two === undefined) throw new Error("two instances expected");
  const out = { sent: 0, acked: new Set<string>(), answered200: 0, statuses: {} as Record<string, number> };
  const post = async (url: string, id: string, receipt: string) => {
    out.sent++;
    const r = await fetch(`${url}/mpesa/callback`, { method: "POST", body: successBody(id, receipt), headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(20_000) });
    count(out.statuses, String(r.status));
    const ok = r.status === 200 && ((await r.json()) as { CheckoutRequestID?: string }).CheckoutRequestID === id;
    if (ok) {
      out.answered200++;
      out.acked.add(id);
    }
  };
  for (let round = 0; round < o.rounds; round++) {
    await Promise.all(Array.from({ length: o.concurrency }, (_, k) => {
      const n = round * o.concurrency + k;
      return Promise.all([
        post(one.url, `ws_CO_${tag}x${n}`, `X${n}${tag}`), post(two.url, `ws_CO_${tag}x${n}`, `X${n}${tag}`),
        post(two.url, `ws_CO_${tag}y${n}`, `Y${n}${tag}`), post(one.url, `ws_CO_${tag}z${n}`, `Z${n}${tag}`),
      ]);
    }));
  }
  return out;
}
