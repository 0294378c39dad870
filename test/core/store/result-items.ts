// Test helpers for the result store: a fresh migrated database per test, items built from the Result fixtures (their
// bodies edited where a test needs another key, code or amount, then parsed as the server parses them), and reads.
import { QueryTypes } from "sequelize";
import { openDatabase, type Database } from "../../../src/core/store/database.ts";
import { migrate } from "../../../src/core/store/migrations.ts";
import { parseResult, parseTimeout, type DarajaResult } from "../../../src/core/daraja/result/parse-result.ts";
import { resultFixtures, type ResultFixture } from "../../../src/core/daraja/result/fixtures.ts";
import { resultFamilyName, resultRoute } from "../../../src/core/daraja/result/family.ts";
import type { IngestItem } from "../../../src/core/ingest/batch-plan.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "../../support/databases.ts";

export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a fixture's JSON, edited by tests

export interface Fresh {
  db: Database;
  close(): Promise<void>;
}

export async function freshDatabase(dialect: TestDialect, pool?: number): Promise<Fresh & { tdb: TestDatabase }> {
  const tdb = await createTestDatabase(dialect);
  const db = await openDatabase(tdb.target, pool === undefined ? {} : { pool });
  await migrate(db);
  return { tdb, db, close: async () => { await db.close(); await tdb.drop(); } };
}

export function fixture(name: string): ResultFixture {
  const f = resultFixtures.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no Result fixture named ${name}`);
  return f;
}

/** A fixture's body as JSON, to edit. */
export const bodyOf = (name: string): Body => JSON.parse(fixture(name).body) as Body;

/** Gives a body another OriginatorConversationID (the key): in its Result envelope, or at the top of a request echo. */
export function withKey(body: Body, key: string): Body {
  if (body.Result) body.Result.OriginatorConversationID = key;
  else body.OriginatorConversationID = key;
  return body;
}

/** Sets one ResultParameter of a Result envelope by its Key (adds it when absent). */
export function withParam(body: Body, key: string, value: unknown): Body {
  const list: { Key: string; Value: unknown }[] = body.Result.ResultParameters?.ResultParameter ?? [];
  const found = list.find((p) => p.Key === key);
  if (found) found.Value = value;
  else list.push({ Key: key, Value: value });
  body.Result.ResultParameters = { ResultParameter: list };
  return body;
}

/** An item as the server builds one: the request (its family and route by the fixture's) and the parsed record. */
export function resultItem(name: string, body: Body = bodyOf(name)): IngestItem<DarajaResult> {
  const f = fixture(name);
  const rawBody = JSON.stringify(body);
  const parsed = f.route === "result" ? parseResult(f.api, JSON.parse(rawBody)) : parseTimeout(f.api, JSON.parse(rawBody));
  return {
    request: { id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "127.0.0.1", family: resultFamilyName(f.api, f.route), route: resultRoute(f.api, f.route), rawBody },
    parsed,
  };
}

let seq = 0;
export function uniqueKey(prefix = "test-oc"): string {
  return `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A fixture's item under another key. */
export const keyed = (name: string, key: string, edit: (b: Body) => Body = (b) => b) => resultItem(name, edit(withKey(bodyOf(name), key)));

export async function select(db: Database, sql: string, replacements: unknown[] = []): Promise<Record<string, unknown>[]> {
  return db.sequelize.query<Record<string, unknown>>(sql, { replacements, type: QueryTypes.SELECT });
}

export async function resultRows(db: Database, api: string, key: string): Promise<Record<string, unknown>[]> {
  return select(db, "SELECT * FROM daraja_results WHERE api = ? AND result_key = ?", [api, key]);
}

/** Every notification about a row: `kind event_key`, sorted. */
export async function eventsOf(db: Database, api: string, key: string): Promise<string[]> {
  const rows = await select(db, `SELECT n.notification_type, n.event_key, n.recipient FROM notifications n JOIN daraja_results r ON r.id = n.daraja_result_id
    WHERE r.api = ? AND r.result_key = ?`, [api, key]);
  return rows.map((r) => `${r.notification_type} ${r.event_key}`).sort();
}

export async function insertB2cRequest(db: Database, key: string, amount: string, phone: string): Promise<void> {
  await db.sequelize.query("INSERT INTO b2c_requests (originator_conversation_id, amount, phone, purpose) VALUES (?, ?, ?, 'test payout')",
    { replacements: [key, amount, phone] });
}
