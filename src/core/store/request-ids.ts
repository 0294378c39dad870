// Which request ids already have their row in callback_logs: a spooled request that did reach the database
// (its commit answered too late, say) is skipped on replay instead of being stored twice.
import { inList } from "./raw-sql.ts";
import { QueryTypes } from "sequelize";
import type { Database } from "./database.ts";

export async function findLoggedRequestIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.sequelize.query<{ request_id: string }>(
    `SELECT request_id FROM callback_logs WHERE request_id IN (${inList(ids.length)})`,
    { replacements: [...ids], type: QueryTypes.SELECT },
  );
  return new Set(rows.map((r) => r.request_id));
}
