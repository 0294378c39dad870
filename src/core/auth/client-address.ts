// The client's address: the direct peer, unless that peer is a trusted reverse proxy; then the forwarding headers,
// counting hops from the right and skipping our own proxies. Headers from anyone else are ignored (they are forgeable).
import { inRanges, type Cidr } from "./cidr.ts";

export function clientAddress(peer: string | null, headers: Headers, trustedProxies: readonly Cidr[]): string | null {
  if (peer === null || !inRanges(peer, trustedProxies)) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i] as string;
    if (!inRanges(hop, trustedProxies)) return hop; // the first hop our proxies did not add themselves
  }
  const real = headers.get("x-real-ip")?.trim();
  return real || forwarded[0] || peer;
}
