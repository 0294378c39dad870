// Daraja's balance strings (SPEC §8): accounts joined by `&`, each `<Account Type>|<Currency>|<Current>|<Available>|
// <Reserved>|<Uncleared>`. Balances may be negative (the Charges Paid Account), so they are read with a sign.
import { parseAmountToCents } from "../../money.ts";

export interface BalanceAccount {
  name: string; // "Working Account", "Utility Account", …
  currency: string; // "KES"
  currentCents: number;
  availableCents: number;
  reservedCents: number;
  unclearedCents: number;
}

const MAX_ACCOUNT_TYPE_LENGTH = 60; // account_balances.account_type

/** `"-33.00"`, `-33`, `"98500.00"` → cents; null for anything else (money.ts reads only amounts without a sign). */
export function parseSignedCents(v: unknown): number | null {
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : null;
  if (text === null) return null;
  const negative = text.startsWith("-");
  const cents = parseAmountToCents(negative ? text.slice(1) : text);
  return cents === null ? null : negative ? -cents : cents;
}

/** Every well-formed account of a balance string, and one note per part that is not (it is skipped, never guessed). */
export function parseAccountBalance(text: string): { accounts: BalanceAccount[]; notes: string[] } {
  const accounts: BalanceAccount[] = [];
  const notes: string[] = [];
  text.split("&").forEach((part, i) => {
    if (part.trim() === "") return notes.push(`account ${i + 1} is empty`);
    const account = readAccount(part);
    if (typeof account === "string") notes.push(`account ${i + 1} (${JSON.stringify(part.slice(0, 60))}) ${account}`);
    else accounts.push(account);
  });
  return { accounts, notes };
}

function readAccount(part: string): BalanceAccount | string {
  const fields = part.split("|").map((f) => f.trim());
  if (fields.length !== 6) return `has ${fields.length} fields, expected 6 (type|currency|current|available|reserved|uncleared)`;
  const [name = "", currency = "", ...amounts] = fields;
  if (name === "") return "has no account type";
  if (name.length > MAX_ACCOUNT_TYPE_LENGTH) return `has an account type longer than ${MAX_ACCOUNT_TYPE_LENGTH} characters`;
  if (!/^[A-Z]{3}$/.test(currency)) return `has currency ${JSON.stringify(currency)}, expected three capital letters`;
  const cents = amounts.map(parseSignedCents);
  const bad = cents.findIndex((c) => c === null);
  if (bad >= 0) return `has ${JSON.stringify(amounts[bad])} where an amount with at most 2 decimals belongs`;
  const [currentCents = 0, availableCents = 0, reservedCents = 0, unclearedCents = 0] = cents as number[];
  return { name, currency, currentCents, availableCents, reservedCents, unclearedCents };
}
