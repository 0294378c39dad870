// The Result-family part of a claimed outbox row: its daraja_results row and the B2C request it answers (joined by
// outbox-rows.ts), and, read apart because there are several per result, the accounts the result reported and the
// low-balance state a low-balance alert is about.
import { QueryTypes } from "sequelize";
import type { Database } from "./database.ts";
import { inList } from "./raw-sql.ts";
import { parseAmountToCents } from "../money.ts";
import type { NotificationKind } from "../notify/notification-plan.ts";
import type { AccountBalanceView, LowBalanceView, ResultNotificationView, ResultView } from "../notify/notification-view.ts";
import { text, utc } from "./row-values.ts";

type Row = Record<string, unknown>;

/** The columns outbox-rows.ts selects for result rows, aliased apart from the other families'. */
export const RESULT_COLUMNS = `dr.id AS result_id, dr.api AS r_api, dr.originator_conversation_id AS r_originator_id,
  dr.conversation_id AS r_conversation_id, dr.transaction_id AS r_transaction_id, dr.result_code AS r_result_code,
  dr.result_desc AS r_result_desc, dr.status AS r_status, dr.superseded_status AS r_superseded_status, dr.amount AS r_amount,
  dr.credit_party AS r_credit_party, dr.debit_party AS r_debit_party, dr.completed_at AS r_completed_at, dr.parameters AS r_parameters,
  dr.verdict AS r_verdict, dr.conflict_count AS r_conflict_count, dr.last_conflict_code AS r_last_conflict_code,
  br.id AS br_id, br.amount AS br_amount, br.phone AS br_phone, br.purpose AS br_purpose`;

export const RESULT_JOINS = `LEFT JOIN daraja_results dr ON dr.id = n.daraja_result_id
  LEFT JOIN b2c_requests br ON dr.api = 'b2c' AND br.originator_conversation_id = dr.originator_conversation_id`;

/** What a claim's result rows need beyond their own columns. */
export interface ResultExtras {
  balances: Map<number, AccountBalanceView[]>; // by daraja_results.id
  lowBalance: Map<string, LowBalanceView>; // by account type
}

const LOW_BALANCE = /^low-balance:([A-Za-z]+):\d+$/;

/** `low-balance:Utility:3` → `Utility Account` (the account_type the store watches); null for any other key. */
export function lowBalanceAccount(eventKey: string): string | null {
  const word = LOW_BALANCE.exec(eventKey)?.[1];
  return word === undefined ? null : `${word} Account`;
}

export const isResultRow = (r: Row): boolean => r.result_id !== null && r.result_id !== undefined;

/** Reads the balances of the claimed results, and the low-balance state of the accounts alerted about (no query for none). */
export async function loadResultExtras(db: Database, rows: readonly Row[]): Promise<ResultExtras> {
  const results = rows.filter(isResultRow);
  const ids = [...new Set(results.map((r) => Number(r.result_id)))];
  const accounts = [...new Set(results.map((r) => lowBalanceAccount(text(r.event_key) ?? "")).filter((a): a is string => a !== null))];
  return {
    balances: ids.length === 0 ? new Map() : await loadBalances(db, ids),
    lowBalance: accounts.length === 0 ? new Map() : await loadLowBalance(db, accounts),
  };
}

async function loadBalances(db: Database, ids: readonly number[]): Promise<Map<number, AccountBalanceView[]>> {
  const rows = await db.sequelize.query<Row>(`SELECT daraja_result_id, account_type, currency, available_cents, reported_at FROM account_balances
    WHERE daraja_result_id IN (${inList(ids.length)}) ORDER BY id`, { replacements: [...ids], type: QueryTypes.SELECT });
  const byResult = new Map<number, AccountBalanceView[]>();
  for (const r of rows) {
    const id = Number(r.daraja_result_id);
    const balance = { accountType: String(r.account_type), currency: String(r.currency), availableCents: Number(r.available_cents), reportedAt: utc(r.reported_at) };
    byResult.set(id, [...(byResult.get(id) ?? []), balance]);
  }
  return byResult;
}

async function loadLowBalance(db: Database, accounts: readonly string[]): Promise<Map<string, LowBalanceView>> {
  const rows = await db.sequelize.query<Row>(`SELECT account_type, available_cents, updated_at FROM low_balance_state
    WHERE account_type IN (${inList(accounts.length)})`, { replacements: [...accounts], type: QueryTypes.SELECT });
  return new Map(rows.map((r) => [String(r.account_type), {
    accountType: String(r.account_type), availableCents: cents(r.available_cents), updatedAt: utc(r.updated_at),
  }]));
}

export function resultView(r: Row, extras: ResultExtras): ResultNotificationView {
  const eventKey = text(r.event_key) ?? "";
  const account = lowBalanceAccount(eventKey);
  return {
    family: "result",
    kind: String(r.notification_type) as NotificationKind,
    eventKey,
    result: resultRow(r),
    request: r.br_id === null || r.br_id === undefined ? null
      : { amountCents: parseAmountToCents(r.br_amount), phone: String(r.br_phone), purpose: text(r.br_purpose) },
    balances: extras.balances.get(Number(r.result_id)) ?? [],
    lowBalance: account === null ? null : (extras.lowBalance.get(account) ?? null),
  };
}

function resultRow(r: Row): ResultView {
  return {
    api: String(r.r_api), originatorConversationId: text(r.r_originator_id), conversationId: text(r.r_conversation_id),
    transactionId: text(r.r_transaction_id), resultCode: text(r.r_result_code), resultDesc: text(r.r_result_desc), status: String(r.r_status),
    supersededStatus: text(r.r_superseded_status), amountCents: parseAmountToCents(r.r_amount), creditParty: text(r.r_credit_party),
    debitParty: text(r.r_debit_party), completedAt: utc(r.r_completed_at), parameters: parameters(text(r.r_parameters)),
    verdict: text(r.r_verdict), conflictCount: Number(r.r_conflict_count ?? 0), lastConflictCode: text(r.r_last_conflict_code),
  };
}

// The store writes a JSON object of strings (a number is read as its text); anything else (a hand-edited row) is read as no parameters, not a crash.
function parameters(json: string | null): Record<string, string> {
  if (json === null) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (typeof v === "string" || typeof v === "number" ? [[k, String(v)]] : [])));
  } catch {
    return {};
  }
}

// BIGINT: a number from SQLite, a number or a string from mysql2.
function cents(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}
