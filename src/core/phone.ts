// Phone numbers stay strings (DESIGN.md promise 6) and are masked in logs (promise 7).

// E.164 allows up to 15 digits; 9 covers a local number without its country code.
// No `2547` prefix check: Safaricom numbers also start `2541…` (SPEC §2.3).
const PHONE = /^\d{9,15}$/;

/** Daraja's `PhoneNumber` (a JSON number like 254708374149, or a string) as a digit string, else null. */
export function normalisePhone(v: unknown): string | null {
  // A fraction, a sign or an exponent in String(number) fails the digits-only pattern.
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  return PHONE.test(text) ? text : null;
}

/** `254700000049` → `2547******49`: enough to tell payers apart in a log, not enough to call them. */
export function maskPhone(p: string): string {
  // Too short to show 6 characters and still hide something: hide it all.
  if (p.length < 7) return "*".repeat(p.length);
  return p.slice(0, 4) + "*".repeat(p.length - 6) + p.slice(-2);
}
