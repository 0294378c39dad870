// The STK Query's credentials in the body: Daraja's Nairobi-time timestamp and base64(shortcode + passkey + timestamp).

// `YYYYMMDDHHmmss` in Nairobi time, the form Daraja's `Timestamp` takes (time.ts owns Nairobi's offset).
export { darajaTimestamp } from "../time.ts";

/** Daraja's `Password`: base64 of the shortcode, the passkey and the timestamp, concatenated. */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, "utf8").toString("base64");
}
