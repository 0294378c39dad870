// What `migrate` says when the database refuses a step: which migration, which statement, the database's own
// words, and what to do next. Never a stack trace: the operator can act on every one of these.
import { AppError } from "../errors.ts";
import { classifyFailure } from "./db-errors.ts";
import { reason, type Dialect } from "./database.ts";
import type { Migration } from "./migration-files.ts";

export interface FailedStep {
  migration: Migration;
  index: number; // of the statement that failed, from 0
  statements: string[];
  dialect: Dialect;
}

/** The first words of a statement, on one line. */
export function shortStatement(sql: string, max = 80): string {
  const line = sql.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

// Gone, read-only, busy: try again later. Anything else: the schema differs from what this version expects.
function isPassing(cause: unknown): boolean {
  const kind = classifyFailure(cause);
  return kind === "unavailable" || kind === "transient";
}

export function statementRefused(step: FailedStep, cause: unknown): AppError {
  const { migration: m, index, statements } = step;
  const statement = statements[index] ?? "";
  const message = `migration ${m.name}, statement ${index + 1} of ${statements.length} (${shortStatement(statement)}): ` +
    `the database refused it: ${reason(cause)}`;
  const state = step.dialect === "sqlite"
    ? `none of ${m.name} was applied (it runs in one transaction)`
    : index === 0 ? `no statement of ${m.name} is applied yet` : `statements 1-${index} of ${m.name} are applied`;
  const todo = isPassing(cause)
    ? "wait until the database is reachable and no other session holds these tables"
    : "change what the database names (this database differs from what the migration expects)";
  const resume = step.dialect === "sqlite" ? "" : `: it resumes at statement ${index + 1}`;
  return new AppError(isPassing(cause) ? "database" : "schema", message, {
    cause, hint: `${state}; ${todo}, then run \`mpesa-cb migrate\` again${resume}`,
  });
}

/** The ledger (schema_migrations) or the lock could not be read or written. */
export function ledgerRefused(what: string, cause: unknown): AppError {
  return new AppError(isPassing(cause) ? "database" : "schema", `migrate could not ${what}: the database refused: ${reason(cause)}`, {
    cause,
    hint: isPassing(cause)
      ? "run `mpesa-cb migrate` again once the database is reachable"
      : "the database user needs SELECT, INSERT, UPDATE, CREATE, ALTER, INDEX and DROP on this database; then run `mpesa-cb migrate` again",
  });
}
