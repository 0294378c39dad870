// What a dry run says a replay would do, without writing: whether the callback's key already has a stored callback
// (then the store makes it a duplicate, or a change by the state rules) or none (then it would be stored).
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import { inList } from "../store/raw-sql.ts";
import type { IngestItem } from "../ingest/batch-plan.ts";
import { FAMILIES, familyNamed } from "../daraja/registry.ts";

export async function predictOutcomes(db: Database, items: readonly IngestItem<unknown>[]): Promise<string[]> {
  const keys = items.map((i) => (i.parsed.ok ? familyNamed(i.request.family).logFields(i.parsed.value).key : null));
  const wanted = [...new Set(keys.filter((k): k is string => k !== null))];
  const stored = new Set<string>();
  if (wanted.length > 0) {
    const rows = await db.sequelize.query<{ family: string | null; callback_key: string }>(
      `SELECT DISTINCT family, callback_key FROM callback_logs
       WHERE callback_key IN (${inList(wanted.length)}) AND http_status = 200 AND (outcome IS NULL OR outcome <> 'quarantined')`,
      { replacements: wanted, type: QueryTypes.SELECT });
    for (const r of rows) stored.add(`${spaceOf(r.family ?? "stk")}\n${r.callback_key}`);
  }
  return items.map((item, i) => {
    const key = keys[i];
    if (key === null || key === undefined) return "would be rejected";
    return stored.has(`${spaceOf(familyNamed(item.request.family).name)}\n${key}`)
      ? `its key ${key} has a stored callback: the store would make it a duplicate, or a change by the state rules`
      : `its key ${key} has no stored callback: it would be stored`;
  });
}

const SPACES = new Map(FAMILIES.map((f) => [f.name, f.keySpace ?? f.name]));
const spaceOf = (family: string) => SPACES.get(family) ?? family;
