// The balances results report, as account_balances rows: one per account of an account balance result, and the B2C
// utility, working and charges paid accounts a B2C result names (only their available funds are known there).
import type { DarajaResult } from "../daraja/result/parse-result.ts";
import { toSqlUtc } from "../time.ts";
import { inList } from "./raw-sql.ts";
import type { SqlStatement } from "./outbox-sql.ts";
import type { ResultWrite } from "./result-state.ts";

export interface BalanceRow {
  accountType: string; // "Working Account", "Utility Account", …
  currency: string;
  currentCents: number | null;
  availableCents: number;
  reservedCents: number | null;
  unclearedCents: number | null;
}

// The account types Daraja's balance strings use for the funds a B2C result reports (SPEC §6, §8).
export const UTILITY_ACCOUNT = "Utility Account";
export const WORKING_ACCOUNT = "Working Account";
const B2C_ACCOUNTS = [["utilityCents", UTILITY_ACCOUNT], ["workingCents", WORKING_ACCOUNT], ["chargesPaidCents", "Charges Paid Account"]] as const;

/** The balances a record reports (none for a timeout or a result without any). */
export function balancesOf(r: DarajaResult): BalanceRow[] {
  if (r.kind !== "result") return [];
  if (r.api === "balance") {
    // One row per account type (the table's key): a type the string names twice keeps its first figures.
    const seen = new Set<string>();
    return r.accounts.filter((a) => !seen.has(a.name) && seen.add(a.name)).map((a) => ({ accountType: a.name, currency: a.currency,
      currentCents: a.currentCents, availableCents: a.availableCents, reservedCents: a.reservedCents, unclearedCents: a.unclearedCents }));
  }
  const funds = r.b2cBalances;
  if (funds === null) return [];
  return B2C_ACCOUNTS.flatMap(([field, accountType]) => {
    const availableCents = funds[field];
    return availableCents === null ? [] : [{ accountType, currency: "KES", currentCents: null, availableCents, reservedCents: null, unclearedCents: null }];
  });
}

// Each row finds its result's id by (api, key): the rows inserted by this batch have no id in hand.
const COLUMNS = "(daraja_result_id, account_type, currency, current_cents, available_cents, reserved_cents, uncleared_cents, reported_at)";
const ROW = "((SELECT r.id FROM daraja_results r WHERE r.api = ? AND r.result_key = ?),?,?,?,?,?,?,?)";
const ROWS_PER_STATEMENT = 500;

/**
 * The statements that make each written row's balances those of the record it now holds: a row that a later record
 * replaced loses the earlier one's (an Unknown result's, say) first. Run after the daraja_results rows are written.
 */
export function balanceStatements(writes: readonly ResultWrite[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const replaced = writes.flatMap((w) => (w.mode === "update" && w.source !== null && w.row.id !== null ? [w.row.id] : []));
  if (replaced.length > 0) statements.push({ sql: `DELETE FROM account_balances WHERE daraja_result_id IN (${inList(replaced.length)})`, values: replaced });
  const values = writes.flatMap((w) => (w.source === null ? [] : balancesOf(w.source).map((b) => rowValues(w, b))));
  for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) {
    const chunk = values.slice(i, i + ROWS_PER_STATEMENT);
    statements.push({ sql: `INSERT INTO account_balances ${COLUMNS} VALUES ${new Array(chunk.length).fill(ROW).join(",")}`, values: chunk.flat() });
  }
  return statements;
}

function rowValues(w: ResultWrite, b: BalanceRow): unknown[] {
  const at = w.source?.completedAt ?? null;
  return [w.row.api, w.row.key, b.accountType, b.currency, b.currentCents, b.availableCents, b.reservedCents, b.unclearedCents, at === null ? null : toSqlUtc(at)];
}
