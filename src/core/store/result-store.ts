// Writes the Result families (B2C, B2B, status, balance and reversal results and their queue timeouts): one row per API
// and key under the state rules, the balances they report, the B2C verdict, the low-balance state, and the callback
// log and outbox rows, all in one transaction per batch (DESIGN.md promises 2, 3 and 5).
import type { Database } from "./database.ts";
import { COMMIT, onScriptConnection, runScript, runSql, START_TRANSACTION, type SqlStatement } from "./raw-sql.ts";
import { txOptionsFor, writeWithRetries, type BatchRunner } from "./batch-runner.ts";
import { insertLogsSql, logValues } from "./callback-log-sql.ts";
import { resultKey, type DarajaResult } from "../daraja/result/parse-result.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";
import type { FamilyStore } from "../ingest/ingest.ts";
import { NOTIFICATIONS_OFF, type NotifyTargets } from "../notify/notification-plan.ts";
import { planResults, rowId, type ResultOutcome, type ResultPlan, type ResultRow, type ResultWrite } from "./result-state.ts";
import { flagResultSql, flagResultValues, insertResultsSql, insertResultValues, selectResultsSql, toResultRow, updateResultSql, updateResultValues } from "./result-sql.ts";
import { b2cVerdict, selectB2cRequestsSql, toB2cRequests, type B2cVerdict } from "./result-verdict.ts";
import { balanceStatements } from "./result-balances.ts";
import { applyReadings, readingsOf, type Crossing } from "./result-low-balance.ts";
import { outcomeEvents, verdictEvents } from "./result-events.ts";
import { resultOutboxStatements } from "./result-outbox-sql.ts";

export type { ResultOutcome } from "./result-state.ts";

type Item = IngestItem<DarajaResult>;
type Run = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

export interface ResultStoreOptions {
  notify?: NotifyTargets; // admin alerts only (results have no payer receipts); default: none
  lowBalanceCents?: number | null; // MPESA_CB_LOW_BALANCE_KES in cents; null or absent: no low-balance tracking
}

// The outcomes after which the record's fields are the row's: its balances count.
const SETS: ReadonlySet<ResultOutcome> = new Set(["new", "updated", "late-result"]);

export function createResultStore(db: Database, options: ResultStoreOptions = {}): FamilyStore {
  const targets = options.notify ?? NOTIFICATIONS_OFF;
  const threshold = options.lowBalanceCents ?? null;
  const txOptions = txOptionsFor(db);
  const galera = db.galera === true;

  // SQLite: through sequelize, a statement at a time.
  async function writeOnce(items: readonly Item[]): Promise<ResultOutcome[]> {
    return db.sequelize.transaction(txOptions, async (tx) => {
      const run: Run = (sql, values) => runSql(db.dialect, tx, sql, values);
      return writeWith(run, async (statements) => {
        for (const st of statements) await run(st.sql, st.values);
      }, items);
    });
  }

  // MySQL: text protocol on one connection, as the STK and C2B stores: the reads a round trip each (the rows locked),
  // every write and the COMMIT in one round trip (runScript: a statement at a time on Galera). The transaction opens
  // with the batch's first statement, in its round trip.
  async function writeScript(items: readonly Item[]): Promise<ResultOutcome[]> {
    return onScriptConnection(db.sequelize, async (query) => {
      let open = false;
      const opening = (): SqlStatement[] => {
        if (open) return [];
        open = true;
        return [START_TRANSACTION];
      };
      const run: Run = async (sql, values) => (await runScript(query, [...opening(), { sql, values }], galera)).at(-1) as Record<string, unknown>[];
      return writeWith(run, async (statements) => void (await runScript(query, [...opening(), ...statements, COMMIT], galera)), items);
    });
  }

  // One batch inside an open transaction: what is stored (locked on MySQL), the plan, the B2C verdicts, the
  // low-balance state, then every write: the rows, their balances, the log rows, the alerts. `writeAll` is called once,
  // last: on MySQL it also commits.
  async function writeWith(run: Run, writeAll: (statements: SqlStatement[]) => Promise<void>, items: readonly Item[]): Promise<ResultOutcome[]> {
    const plan = planResults(items, await lookUp(run, items, db.dialect === "mysql"));
    const writes = [...plan.writes.values()];
    const verdicts = await verdictsOf(run, writes);
    const crossings = threshold === null ? [] : await applyReadings(run, db.dialect, readings(items, plan), threshold);
    const logs = { sql: insertLogsSql(items.length), values: items.flatMap((item, i) => logValues(item, plan.outcomes[i] ?? "rejected")) };
    const chat = targets.adminChatId;
    const events = chat === null ? [] : [...outcomeEvents(items, plan), ...verdictEvents(writes, verdicts), ...crossingEvents(crossings)].map((e) => ({ ...e, chat }));
    await writeAll([...rowStatements(writes, verdicts), ...balanceStatements(writes), logs, ...(chat === null ? [] : resultOutboxStatements(db.dialect, events))]);
    return plan.outcomes;
  }

  function rowStatements(writes: readonly ResultWrite[], verdicts: ReadonlyMap<ResultWrite, B2cVerdict | null>): SqlStatement[] {
    const inserts = writes.filter((w) => w.mode === "insert");
    return [
      ...(inserts.length === 0 ? [] : [{ sql: insertResultsSql(inserts.length), values: inserts.flatMap((w) => insertResultValues(w.row, sourceOf(w), verdicts.get(w) ?? null)) }]),
      ...writes.filter((w) => w.mode === "update").map((w) => (w.source === null
        ? { sql: flagResultSql(db.dialect), values: flagResultValues(w.row) }
        : { sql: updateResultSql(db.dialect), values: updateResultValues(w.row, w.source, verdicts.get(w) ?? null) })),
    ];
  }

  const runner: BatchRunner<Item> = { db, writeOnce: (items) => (db.dialect === "mysql" ? writeScript(items) : writeOnce(items)) };
  return { writeBatch: (items) => writeWithRetries(runner, items as readonly Item[]) };
}

// The stored rows of the batch's keys; on MySQL locked, so that concurrent writers of one key take turns.
async function lookUp(run: Run, items: readonly Item[], forUpdate: boolean): Promise<Map<string, ResultRow>> {
  const pairs = new Map<string, [string, string]>();
  for (const item of items) if (item.parsed.ok) pairs.set(rowId(item.parsed.value.api, resultKey(item.parsed.value)), [item.parsed.value.api, resultKey(item.parsed.value)]);
  if (pairs.size === 0) return new Map();
  const rows = await run(selectResultsSql(pairs.size, forUpdate), [...pairs.values()].flat());
  return new Map(rows.map((r) => toResultRow(r)).map((row) => [rowId(row.api, row.key), row]));
}

// Each written B2C result against our payout requests; null for other writes (and for flagged rows, which keep theirs).
async function verdictsOf(run: Run, writes: readonly ResultWrite[]): Promise<Map<ResultWrite, B2cVerdict | null>> {
  const payouts = writes.filter((w) => w.source?.api === "b2c" && w.source.kind === "result");
  const ids = [...new Set(payouts.flatMap((w) => (w.row.originatorConversationId === null ? [] : [w.row.originatorConversationId])))];
  const requests = toB2cRequests(ids.length === 0 ? [] : await run(selectB2cRequestsSql(ids.length), ids));
  return new Map(writes.map((w) => [w, w.source === null ? null : b2cVerdict(w.row, w.source, requests)]));
}

// The balances of the watched accounts, from the records that became their rows' state, in arrival order.
function readings(items: readonly Item[], plan: ResultPlan) {
  return items.flatMap((item, i) => {
    const row = plan.after[i];
    const outcome = plan.outcomes[i];
    return item.parsed.ok && row && outcome !== undefined && SETS.has(outcome) ? readingsOf(item.parsed.value, { row, requestId: item.request.id }) : [];
  });
}

function crossingEvents(crossings: readonly Crossing<{ row: ResultRow; requestId: string }>[]) {
  return crossings.map((c) => ({ api: c.about.row.api, key: c.about.row.key, kind: "admin" as const, eventKey: c.eventKey, requestId: c.about.requestId }));
}

function sourceOf(w: ResultWrite): DarajaResult {
  if (w.source === null) throw new Error(`the new daraja_results row ${w.row.api} ${w.row.key} has no record to take its fields from`);
  return w.source;
}
