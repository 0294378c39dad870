// Who paid, when the payer can be identified without guessing (issue 11): a plain MSISDN matched against users'
// phone numbers in the forms people type, or a SHA-256 hashed MSISDN (C2B v1, SPEC §4.3) that equals the hash of a
// user's number in the 2547XXXXXXXX form. A masked number identifies nobody.
import { inList } from "./raw-sql.ts";
import { createHash } from "node:crypto";
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import { normalisePhone } from "../phone.ts";

type Run = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

const ACTIVE = "COALESCE(is_active, 1) <> 0";

/** The payer's Telegram chat by TransID, for the payments whose payer is one of our users (`byHash`: HashedPhones'). */
export async function findPayerChats(run: Run, payments: readonly C2bPayment[], byHash: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const lookup = plainPayerLookup(payments);
  const rows = lookup === null ? [] : await run(lookup.sql, lookup.values);
  return payerChats(payments, rows, byHash);
}

/** The query for the users whose phone number is a plain MSISDN of `payments` in any typed form (null: none plain). */
export function plainPayerLookup(payments: readonly C2bPayment[]): { sql: string; values: string[] } | null {
  const forms = [...new Set(payments.filter(isPlain).flatMap((p) => phoneForms(p.msisdn as string)))];
  if (forms.length === 0) return null;
  // No ORDER BY (payerChats sorts): with it SQLite sorts in a temporary B-tree, and MariaDB once read every user in id
  // order instead of using the phone numbers' index (3 ms a batch with 10,000 users).
  return { sql: `SELECT id, phone_number, telegram_chat_id FROM users WHERE ${ACTIVE} AND phone_number IN (${inList(forms.length)})`, values: forms };
}

/** Each payment's payer chat: a plain MSISDN from the rows of plainPayerLookup (the oldest user of a number wins: the
 * lowest id), a hashed one from `byHash` (HashedPhones). */
export function payerChats(payments: readonly C2bPayment[], rows: readonly Record<string, unknown>[], byHash: ReadonlyMap<string, string>): Map<string, string> {
  const byPhone = new Map<string, string>();
  for (const r of [...rows].sort((x, y) => Number(x.id) - Number(y.id))) {
    const phone = normalisePhone(r.phone_number);
    if (phone !== null && !byPhone.has(phone)) byPhone.set(phone, String(r.telegram_chat_id));
  }
  const chats = new Map<string, string>();
  for (const p of payments) {
    const chat = isPlain(p) ? byPhone.get(p.msisdn as string) : isHashed(p) ? byHash.get(p.msisdn as string) : undefined;
    if (chat !== undefined) chats.set(p.transId, chat);
  }
  return chats;
}

const isPlain = (p: C2bPayment) => p.msisdnKind === "plain" && p.msisdn !== null;
export const isHashed = (p: C2bPayment) => p.msisdnKind === "hashed" && p.msisdn !== null;

/** 254712345678 as users may have stored it: 254…, +254…, 0712…, 712…. */
function phoneForms(p: string): string[] {
  const last9 = p.slice(-9);
  return [p, `+${p}`, `0${last9}`, last9];
}

/**
 * SHA-256 of every active user's number (254… form) → chat. `read` goes through the pool, outside any batch's
 * transaction (the C2B store asks before opening one): reading every user (0.3–0.6 s for 200,000 on MariaDB here)
 * must not hold a batch's row locks. The first call waits for the read; after that the copy is kept, and one older
 * than `ttlMs` is still answered while a new one is read in the background (one read at a time; a failed one keeps
 * the old copy and is tried again).
 */
export class HashedPhones {
  private cached: { at: number; map: Map<string, string> } | null = null;
  private reading: Promise<Map<string, string>> | null = null;

  constructor(private readonly read: Run, private readonly ttlMs = 60_000) {}

  get(): Promise<Map<string, string>> {
    const fresh = this.cached !== null && Date.now() - this.cached.at < this.ttlMs;
    if (!fresh && this.reading === null) {
      this.reading = this.load().finally(() => (this.reading = null));
      if (this.cached !== null) this.reading.catch(() => {}); // answered from the old copy meanwhile
    }
    return this.cached !== null ? Promise.resolve(this.cached.map) : (this.reading as Promise<Map<string, string>>);
  }

  private async load(): Promise<Map<string, string>> {
    const rows = await this.read(`SELECT phone_number, telegram_chat_id FROM users WHERE ${ACTIVE} AND phone_number IS NOT NULL ORDER BY id`, []);
    const map = new Map<string, string>();
    for (const r of rows) {
      const phone = normalisePhone(r.phone_number);
      const hash = phone === null ? null : createHash("sha256").update(phone).digest("hex");
      if (hash !== null && !map.has(hash)) map.set(hash, String(r.telegram_chat_id));
    }
    this.cached = { at: Date.now(), map };
    return map;
  }
}
