// Phone numbers stay strings (DESIGN.md promise 6) and are masked in logs (promise 7).

// E.164 allows up to 15 digits; 9 covers a local number without its country code.
// No `2547` prefix check: Safaricom numbers also start `2541…` (SPEC §2.3).
const PHONE = /^\d{9,15}$/;
const KENYAN_LOCAL = /^0?([17]\d{8})$/; // 07XXXXXXXX / 01XXXXXXXX, or without the 0

/**
 * A phone number (Daraja's `PhoneNumber` is a JSON number like 254708374149; people and other systems write
 * `+254 708 374 149`, `0708-374149`) as one digit string: Kenyan numbers in the 2547…/2541… form, others as digits.
 * Null for anything that is not a phone number (a masked `2547 ***** 126` included).
 */
export function normalisePhone(v: unknown): string | null {
  // A fraction, a sign or an exponent in String(number) fails the digits-only pattern.
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  const digits = text.replace(/^\+(?=\d)/, "").replace(/(?<=\d)[\s-](?=\d)/g, ""); // separators only between digits
  if (!PHONE.test(digits)) return null;
  const local = KENYAN_LOCAL.exec(digits);
  return local ? `254${local[1]}` : digits;
}

/** `254700000049` → `2547******49`: enough to tell payers apart in a log, not enough to call them. */
export function maskPhone(p: string): string {
  // Too short to show 6 characters and still hide something: hide it all.
  if (p.length < 7) return "*".repeat(p.length);
  return p.slice(0, 4) + "*".repeat(p.length - 6) + p.slice(-2);
}
