// Records the answers given to C2B validation requests: one c2b_validations row per TransID (the first answer).
import type { Database } from "./database.ts";
import { rowPlaceholders, runSql, inList } from "./raw-sql.ts";
import { txOptionsFor, writeWithRetries, type BatchRunner } from "./batch-runner.ts";
import { insertLogsSql, logValues, sqlTime } from "./callback-log-sql.ts";
import { centsToDecimal } from "./callback-sql.ts";
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import { accepted } from "../daraja/c2b/validation-rules.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";
import type { FamilyStore } from "../ingest/ingest.ts";

type Item = IngestItem<C2bPayment>;

const COLUMNS = "(trans_id, accepted, result_code, rule, fallback, amount, bill_ref_number, business_short_code, decided_at, request_id)";

/** accepted / declined: the answer given (and now recorded); duplicate: the TransID was answered before. */
export function createC2bValidationStore(db: Database): FamilyStore {
  const txOptions = txOptionsFor(db);

  async function writeOnce(items: readonly Item[]): Promise<string[]> {
    return db.sequelize.transaction(txOptions, async (tx) => {
      const run = (sql: string, values: unknown[]) => runSql(db.dialect, tx, sql, values);
      const keys = [...new Set(items.flatMap((i) => (i.parsed.ok ? [i.parsed.value.transId] : [])))];
      const seen = new Set(keys.length === 0 ? [] : (await run(`SELECT trans_id FROM c2b_validations WHERE trans_id IN (${inList(keys.length)})${db.dialect === "mysql" ? " FOR UPDATE" : ""}`, keys)).map((r) => String(r.trans_id)));
      const rows: unknown[][] = [];
      const outcomes = items.map((item): string => {
        if (!item.parsed.ok) return "rejected";
        const p = item.parsed.value;
        if (seen.has(p.transId)) return "duplicate";
        seen.add(p.transId);
        // A request spooled before decisions were kept has none: it was let through (the only answer then).
        const d = item.request.decision ?? accepted("accept-all");
        rows.push([p.transId, d.accept ? 1 : 0, d.code, d.rule, d.fallback ? 1 : 0, centsToDecimal(p.amountCents), p.billRefNumber, p.businessShortCode, sqlTime(item.request.receivedAt), item.request.id]);
        return d.accept ? "accepted" : "declined";
      });
      if (rows.length > 0) await run(`INSERT INTO c2b_validations ${COLUMNS} VALUES ${rowPlaceholders(rows.length, 10)}`, rows.flat());
      await run(insertLogsSql(items.length), items.flatMap((item, i) => logValues(item, outcomes[i] ?? "rejected")));
      return outcomes;
    });
  }

  const runner: BatchRunner<Item> = {
    db, writeOnce: (items) => writeOnce(items),
  };
  return { writeBatch: (items) => writeWithRetries(runner, items as readonly Item[]) };
}
