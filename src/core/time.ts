// Time is explicit (DESIGN.md promise 6): Daraja's YYYYMMDDHHmmss is Nairobi local time, stored as UTC.
// The one place that knows Nairobi's offset: every conversion to or from Nairobi time is here.

// Kenya is on EAT, UTC+3 all year (no daylight saving), so the offset is a constant.
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;
const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

const DOTTED = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
// An offset is required: a time without one names no instant, and guessing the zone is how money gets misdated.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;

type Fields = [year: number, month: number, day: number, hour: number, minute: number, second: number];

/**
 * Reads Daraja's `TransactionDate` (e.g. `20250115103112`, sent as a JSON number or a string)
 * as the UTC instant it names. Returns null for any other shape or an impossible date.
 */
export function parseDarajaTimestamp(v: unknown): Date | null {
  // A fraction, a sign or an exponent in String(number) fails the 14-digit pattern.
  const match = STAMP.exec(textOf(v));
  return match === null ? null : nairobiInstant(match.slice(1).map(Number) as Fields);
}

/** B2C's `TransactionCompletedDateTime` (`"15.01.2025 12:30:45"`, dd.MM.yyyy HH:mm:ss, SPEC §6) in Nairobi time, as UTC. */
export function parseDottedNairobiTime(v: unknown): Date | null {
  const match = DOTTED.exec(typeof v === "string" ? v.trim() : "");
  if (match === null) return null;
  const [day, month, year, hour, minute, second] = match.slice(1).map(Number) as Fields;
  return nairobiInstant([year, month, day, hour, minute, second]);
}

/** ISO 8601 with an explicit offset (`2025-01-15T12:30:45+03:00`, `…Z`); null without one or for an impossible date. */
export function parseIsoWithOffset(v: unknown): Date | null {
  const match = ISO.exec(typeof v === "string" ? v.trim() : "");
  if (match === null) return null;
  const fields = match.slice(1, 7).map(Number) as Fields;
  const wall = wallClock(fields);
  const offset = offsetMs(match[8] ?? "");
  if (wall === null || offset === null) return null;
  return new Date(wall + Math.round(Number(match[7] ?? 0) * 1000) - offset);
}

/** Any time Daraja writes in a Result: YYYYMMDDHHmmss or dd.MM.yyyy HH:mm:ss (both Nairobi), or ISO 8601 with an offset. */
export function parseDarajaDateTime(v: unknown): Date | null {
  return parseDarajaTimestamp(v) ?? parseDottedNairobiTime(v) ?? parseIsoWithOffset(v);
}

function textOf(v: unknown): string {
  return typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
}

function nairobiInstant(fields: Fields): Date | null {
  const wall = wallClock(fields);
  return wall === null ? null : new Date(wall - NAIROBI_OFFSET_MS);
}

/** The fields read as a UTC clock, in ms; null for an impossible date. */
function wallClock([year, month, day, hour, minute, second]: Fields): number | null {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(wall);
  // Date.UTC rolls over silently (Feb 30 → Mar 2, hour 24 → next day, year 25 → 1925): a round trip catches it.
  const same = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day &&
    d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
  return same ? wall : null;
}

// `Z`, `+03:00`, `-0530` → ms east of UTC; null beyond ±14:59.
function offsetMs(text: string): number | null {
  if (text === "Z") return 0;
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(-2));
  if (hours > 14 || minutes > 59) return null;
  return (text.startsWith("-") ? -1 : 1) * (hours * 60 + minutes) * 60_000;
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
