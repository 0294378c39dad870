// MPESA_CB_LOW_BALANCE_KES: an admin alert when a result shows the B2C utility or working account below the threshold,
// once per crossing (low_balance_state remembers whether each account is below now), not once per payout.
import type { DarajaResult } from "../daraja/result/parse-result.ts";
import type { Dialect } from "./database.ts";
import { utcNowSql } from "./db-clock.ts";
import { inList } from "./raw-sql.ts";
import { balancesOf, UTILITY_ACCOUNT, WORKING_ACCOUNT } from "./result-balances.ts";

type Run = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

/** One balance a result reported, of a watched account, in arrival order. */
export interface Reading<T> {
  accountType: string;
  availableCents: number;
  about: T; // the row it came with: the alert is about that row
}

/** A crossing below the threshold: the alert's event key is `low-balance:<Utility|Working>:<crossings>`. */
export interface Crossing<T> {
  eventKey: string;
  about: T;
}

const WATCHED: ReadonlyMap<string, string> = new Map([[UTILITY_ACCOUNT, "Utility"], [WORKING_ACCOUNT, "Working"]]);

/** The watched accounts' balances in a record: a balance result's accounts, or a B2C result's funds. */
export function readingsOf<T>(r: DarajaResult, about: T): Reading<T>[] {
  return balancesOf(r).filter((b) => WATCHED.has(b.accountType)).map((b) => ({ accountType: b.accountType, availableCents: b.availableCents, about }));
}

interface State {
  below: boolean;
  crossings: number;
  availableCents: number | null;
}

/** Applies the readings to low_balance_state, in order, inside the caller's transaction; returns the crossings. */
export async function applyReadings<T>(run: Run, dialect: Dialect, readings: readonly Reading<T>[], thresholdCents: number): Promise<Crossing<T>[]> {
  if (readings.length === 0) return [];
  const accounts = [...new Set(readings.map((r) => r.accountType))].sort(); // one lock order for every writer
  // The rows exist before they are locked, so two writers of a first reading meet on the key, never insert twice.
  const missing = dialect === "mysql" ? " ON DUPLICATE KEY UPDATE account_type = account_type" : " ON CONFLICT DO NOTHING";
  await run(`INSERT INTO low_balance_state (account_type) VALUES ${accounts.map(() => "(?)").join(",")}${missing}`, accounts);
  const rows = await run(`SELECT account_type, below, crossings FROM low_balance_state WHERE account_type IN (${inList(accounts.length)})
    ORDER BY account_type${dialect === "mysql" ? " FOR UPDATE" : ""}`, accounts);
  const states = new Map(rows.map((r): [string, State] => [String(r.account_type), { below: Number(r.below) !== 0, crossings: Number(r.crossings), availableCents: null }]));
  const crossings: Crossing<T>[] = [];
  for (const reading of readings) {
    const state = states.get(reading.accountType) ?? { below: false, crossings: 0, availableCents: null };
    const below = reading.availableCents < thresholdCents;
    const crossed = below && !state.below;
    const next = { below, crossings: state.crossings + (crossed ? 1 : 0), availableCents: reading.availableCents };
    states.set(reading.accountType, next);
    if (crossed) crossings.push({ eventKey: `low-balance:${WATCHED.get(reading.accountType)}:${next.crossings}`, about: reading.about });
  }
  for (const account of accounts) {
    const s = states.get(account);
    if (s === undefined) continue;
    await run(`UPDATE low_balance_state SET below = ?, crossings = ?, available_cents = ?, updated_at = ${utcNowSql(dialect)} WHERE account_type = ?`,
      [s.below ? 1 : 0, s.crossings, s.availableCents, account]);
  }
  return crossings;
}
