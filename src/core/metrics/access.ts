// Who may read /metrics: loopback, and the addresses of MPESA_CB_METRICS_ALLOW. The client is the one callbacks are
// judged by: the direct peer, or, when that peer is a trusted reverse proxy, the client it forwards for. A proxy on
// this machine would otherwise make every Internet client look like loopback.
import { clientAddress } from "../auth/client-address.ts";
import { inRanges, parseCidr, type Cidr } from "../auth/cidr.ts";

const LOOPBACK = ["127.0.0.0/8", "::1"].map((c) => parseCidr(c) as Cidr);

export type MetricsAccess = { allowed: true } | { allowed: false; client: string | null };

export function checkMetricsAccess(peer: string | null, headers: Headers, o: { allow: readonly Cidr[]; trustedProxies: readonly Cidr[] }): MetricsAccess {
  const client = clientAddress(peer, headers, o.trustedProxies);
  if (client !== null && (inRanges(client, LOOPBACK) || inRanges(client, o.allow))) return { allowed: true };
  return { allowed: false, client };
}

/** The 403 body: whom we refused, and how to let a scraper in. */
export function refusal(client: string | null): Record<string, string> {
  const who = client ?? "an unknown address";
  return {
    error: `metrics are not served to ${who}`,
    hint: `only loopback may read /metrics unless allowed: set MPESA_CB_METRICS_ALLOW (--metrics-allow) to the scraper's address or range, comma-separated (e.g. MPESA_CB_METRICS_ALLOW=${client ?? "10.0.0.5"} or 10.0.0.0/24)`,
  };
}
