// A MySQL database shared with others is upgraded on purpose, by `migrate`: every other command refuses to work on
// one that is not up to date, and says what to run.
import type { Database } from "./database.ts";
import { pendingMigrations } from "./migrations.ts";
import { AppError } from "../errors.ts";

/** Throws a schema error naming the pending migrations; `then` ends the hint ("then start again"). */
export async function requireMigrated(db: Database, then: string): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length === 0) return;
  throw new AppError("schema", `the database ${db.description} is not migrated (pending: ${pending.map((m) => m.name).join(", ")})`, {
    hint: `run \`mpesa-cb migrate\` with the same settings, then ${then}`,
  });
}
