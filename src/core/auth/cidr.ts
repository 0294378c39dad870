// IP addresses and CIDR ranges (IPv4 and IPv6; IPv4-mapped IPv6 counts as IPv4), for the source allowlist.

export interface Cidr {
  v6: boolean;
  base: bigint;
  prefix: number;
}

function parseV4(s: string): bigint | null {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseV6(s: string): bigint | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped) return null; // handled as IPv4 by parseAddress
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = groups(halves[1] ?? "");
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const all = [...head, ...new Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

/** An address as a number and its family; IPv4-mapped IPv6 (::ffff:1.2.3.4) is IPv4. */
export function parseAddress(s: string): { v6: boolean; value: bigint } | null {
  const text = s.trim().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  const v4 = parseV4(mapped ? (mapped[1] as string) : text);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = parseV6(text);
  return v6 === null ? null : { v6: true, value: v6 };
}

export function parseCidr(s: string): Cidr | null {
  const [addr = "", bits] = s.trim().split("/");
  const a = parseAddress(addr);
  if (a === null) return null;
  const width = a.v6 ? 128 : 32;
  const prefix = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= width)) return null;
  return { v6: a.v6, base: a.value >> BigInt(width - prefix), prefix };
}

export function inRanges(address: string, ranges: readonly Cidr[]): boolean {
  const a = parseAddress(address);
  if (a === null) return false;
  return ranges.some((r) => r.v6 === a.v6 && a.value >> BigInt((a.v6 ? 128 : 32) - r.prefix) === r.base);
}
