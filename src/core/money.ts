// Money is exact (DESIGN.md promise 6): amounts become integer cents through their decimal text, never a float multiply.

// Plain decimal only: Daraja writes amounts as `1.00` (STK) or `"250.00"` (C2B); no sign, no exponent, no grouping.
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads a Daraja amount (a JSON number or a numeric string) as integer cents.
 * Returns null for anything that is not a non-negative amount with at most 2 significant decimals.
 */
export function parseAmountToCents(v: unknown): number | null {
  const text = decimalText(v);
  if (text === null) return null;
  const match = DECIMAL.exec(text);
  if (match === null) return null;
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  // `1500.500` is still 1500.50 KES; `1.005` is not a whole number of cents.
  if (/[^0]/.test(fraction.slice(2))) return null;
  const cents = Number(whole + fraction.slice(0, 2).padEnd(2, "0"));
  // Beyond 2^53 the digit string no longer maps to one exact number.
  return Number.isSafeInteger(cents) ? cents : null;
}

function decimalText(v: unknown): string | null {
  // String(number) is the shortest text that round-trips (1500.5 → "1500.5"); huge or tiny numbers
  // come out as "1e+21" / "1e-7" and are then refused by the pattern, as are NaN and Infinity.
  if (typeof v === "number") return String(v); // String(-0) is "0"
  if (typeof v === "string") return v.trim();
  return null;
}

/** `150000` → `KES 1,500.00` (for messages to people; storage keeps cents). */
export function formatKes(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`formatKes needs integer cents, got ${cents}`);
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+$)/g, ",");
  const fraction = String(abs % 100).padStart(2, "0");
  return `KES ${cents < 0 ? "-" : ""}${whole}.${fraction}`;
}
