// A Daraja callback family (STK, C2B confirmation, C2B validation, …) is one object: its routes, how its body is read,
// what identifies it, what Daraja is answered, and how it is described in logs. Ingest, group commit, the spool,
// callback_logs, path tokens, the source allowlist and /health take a family and name none (STYLE.md).
import type { Problem, Result } from "../result.ts";
import type { CallbackRequest } from "../ingest/batch-plan.ts";

/** What a callback's processing came to; a family may add its own (e.g. `linked`). */
export type Outcome = string;

export interface Family<R> {
  readonly name: string; // "stk", "c2b-confirmation", …: stored with each request, shown in /health
  readonly routes: readonly string[]; // POST paths; with path tokens each is served only as `<route>/<token>`
  /** Families sharing a key space order their callbacks by key together (a timeout and its result); default: the name. */
  readonly keySpace?: string;
  /** The raw body as it may be kept (spool, callback_logs): e.g. without the secrets an echoed request carries. */
  redact?(raw: string): string;
  /** A parsed JSON body → the family's record; rejects only what cannot be identified. */
  parse(body: unknown): Result<R>;
  /** The idempotency key: callbacks with one key are processed strictly in arrival order. */
  keyOf(record: R): string;
  /** Tolerated oddities of an accepted record (kept with its callback_logs row). */
  warningsOf(record: R): Problem[];
  /** The columns every callback_logs row has: its key and, where the family has them, a result code and text. */
  logFields(record: R): { key: string; resultCode: string | null; resultDesc: string | null };
  /** One log line, phone numbers masked: `payment ws_CO_… Success … : new`. */
  describe(record: R, outcome: Outcome): string;
  /** The body of the answer to an accepted callback (HTTP 200, or 403 when refused). */
  acknowledge(record: R, outcome: Outcome, request: CallbackRequest): Record<string, unknown>;
  /** The body of a 400 (and 403/413/415 at the edge), given the problems; default: ResultCode 1 and `rejection`. */
  reject?(problems: Problem[]): Record<string, unknown>;
  /** ResultDesc of a 400: what could not be identified. */
  readonly rejection: string;
  /** Outcomes that move money: logged at info (others at debug, conflicts at warn). */
  readonly moneyOutcomes: ReadonlySet<Outcome>;
  readonly reviewOutcomes: ReadonlySet<Outcome>;
  /** Sample bodies (the Daraja reference's, embedded in the binary), each with whether a correct server accepts it. */
  readonly fixtures: readonly FamilyFixture[];
}

export interface FamilyFixture {
  name: string; // its file name without .json
  body: string; // the file's exact text
  accepted: boolean; // false: a correct server answers 400
}

export function defineFamily<R>(family: Family<R>): Family<R> {
  return Object.freeze(family);
}
