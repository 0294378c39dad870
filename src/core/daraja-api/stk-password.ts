// The STK Query's credentials in the body: Daraja's Nairobi-time timestamp and base64(shortcode + passkey + timestamp).

// Kenya is on EAT, UTC+3 all year (no daylight saving).
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;

/** `YYYYMMDDHHmmss` in Nairobi time, the form Daraja's `Timestamp` takes. */
export function darajaTimestamp(at: Date): string {
  const wall = new Date(at.getTime() + NAIROBI_OFFSET_MS).toISOString(); // 2025-01-15T10:35:00.000Z
  return wall.slice(0, 19).replace(/[-T:]/g, "");
}

/** Daraja's `Password`: base64 of the shortcode, the passkey and the timestamp, concatenated. */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, "utf8").toString("base64");
}
