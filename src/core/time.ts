// Time is explicit (DESIGN.md promise 6): Daraja's YYYYMMDDHHmmss is Nairobi local time, stored as UTC.
// The one place that knows Nairobi's offset: every conversion to or from Nairobi time is here.

// Kenya is on EAT, UTC+3 all year (no daylight saving), so the offset is a constant.
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;
const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * Reads Daraja's `TransactionDate` (e.g. `20250115103112`, sent as a JSON number or a string)
 * as the UTC instant it names. Returns null for any other shape or an impossible date.
 */
export function parseDarajaTimestamp(v: unknown): Date | null {
  // A fraction, a sign or an exponent in String(number) fails the 14-digit pattern.
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  const match = STAMP.exec(text);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(wall);
  // Date.UTC rolls over silently (Feb 30 → Mar 2, hour 24 → next day, year 25 → 1925): a round trip catches it.
  const same = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day &&
    d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
  return same ? new Date(wall - NAIROBI_OFFSET_MS) : null;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the text form DATETIME columns take in both MySQL and SQLite. */
export function toSqlUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** `YYYY-MM-DD HH:MM:SS` as a clock in Nairobi shows the instant (the original server's transaction_date). */
export function nairobiWallTime(date: Date): string {
  return toSqlUtc(new Date(date.getTime() + NAIROBI_OFFSET_MS));
}

/** Daraja's `YYYYMMDDHHmmss` in Nairobi time (an STK request's `Timestamp`): parseDarajaTimestamp's inverse. */
export function darajaTimestamp(date: Date): string {
  return nairobiWallTime(date).replace(/[- :]/g, "");
}
