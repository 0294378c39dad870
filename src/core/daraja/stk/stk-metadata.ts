// STK CallbackMetadata: items read by Name (never by index), each value parsed on its own; a bad value is a warning.
import { parseAmountToCents } from "../../money.ts";
import { normalisePhone } from "../../phone.ts";
import type { Problem } from "../../result.ts";
import { parseDarajaTimestamp } from "../../time.ts";
import { readText } from "../tolerant.ts";

export interface StkMetadata {
  amountCents: number | null;
  receipt: string | null;
  phone: string | null;
  transactionDate: Date | null;
  balanceCents: number | null;
}

/** amount is DECIMAL(10,2): 99,999,999.99 KES is the most a row can hold. */
export const MAX_AMOUNT_CENTS = 9_999_999_999;
/** Receipts are 10 characters in every sample (SPEC §2.3); 30 leaves room without storing junk. */
export const MAX_RECEIPT_LENGTH = 30;

interface Item { value: unknown; path: string }

type Reader<T> = (v: number | string) => T | null;

const readAmount: Reader<number> = (v) => {
  const cents = parseAmountToCents(v);
  return cents !== null && cents <= MAX_AMOUNT_CENTS ? cents : null;
};
const readReceipt: Reader<string> = (v) => {
  const r = readText(v) ?? "";
  return r !== "" && r.length <= MAX_RECEIPT_LENGTH ? r : null;
};

/** Reads the items Daraja documents for a success; unknown items are ignored. */
export function readStkMetadata(meta: unknown, path: string, warnings: Problem[]): StkMetadata {
  const items = itemsByName(meta, `${path}.Item`, warnings);
  const read = <T>(name: string, reader: Reader<T>, expected: string): T | null => readItem(items.get(name), reader, expected, warnings);
  return {
    amountCents: read("Amount", readAmount, `an amount in KES with at most 2 decimals, up to ${MAX_AMOUNT_CENTS / 100}`),
    receipt: read("MpesaReceiptNumber", readReceipt, `a receipt number of 1 to ${MAX_RECEIPT_LENGTH} characters`),
    phone: read("PhoneNumber", normalisePhone, "a phone number of 9 to 15 digits"),
    transactionDate: read("TransactionDate", parseDarajaTimestamp, "a real date written YYYYMMDDHHmmss"),
    balanceCents: read("Balance", readAmount, "an amount in KES with at most 2 decimals"),
  };
}

function readItem<T>(item: Item | undefined, reader: Reader<T>, expected: string, warnings: Problem[]): T | null {
  // Absent item, absent Value (`{"Name":"Balance"}`), or a Value of the wrong JSON type (already warned): no data.
  if (item === undefined || (typeof item.value !== "number" && typeof item.value !== "string")) return null;
  const parsed = reader(item.value);
  if (parsed === null) warnings.push({ path: `${item.path}.Value`, message: `must be ${expected}, got ${JSON.stringify(item.value).slice(0, 40)}` });
  return parsed;
}

// Item is an array in every sample, but a lone object is read as a list of one.
function itemsByName(meta: unknown, path: string, warnings: Problem[]): Map<string, Item> {
  const raw = isObject(meta) ? meta.Item : undefined;
  const list = Array.isArray(raw) ? raw.map((v, i) => ({ v, p: `${path}[${i}]` })) : isObject(raw) ? [{ v: raw, p: path }] : [];
  const items = new Map<string, Item>();
  for (const { v, p } of list) {
    if (!isObject(v) || typeof v.Name !== "string") continue; // the shape check already warned
    if (items.has(v.Name)) {
      warnings.push({ path: `${p}.Name`, message: `repeats "${v.Name}"; the first one is used` });
      continue;
    }
    items.set(v.Name, { value: v.Value, path: p });
  }
  return items;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
