// One callback, one straight path: raw text → JSON → the family's validated record → shared transaction → reply.
import type { ConsolaInstance } from "consola";
import { parseJson } from "../daraja/parse-json.ts";
import { familyNamed, type AnyFamily } from "../daraja/registry.ts";
import { isAppError } from "../errors.ts";
import { GroupCommit } from "./group-commit.ts";
import { withTimeout } from "../with-timeout.ts";
import { httpStatusOf, rejectionStatus, type CallbackRequest, type Decision, type IngestItem } from "./batch-plan.ts";
import type { Spool } from "../spool/spool.ts";
import { NO_METRICS, type MetricsRecorder } from "../metrics/recorder.ts";

export interface IngestReply {
  status: 200 | 400 | 403 | 413 | 415 | 503;
  body: Record<string, unknown>;
}

/** Where a family's callbacks are written: one transaction per batch, an outcome per item once it committed. */
export interface FamilyStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each family's store reads its own record type
  writeBatch(items: readonly IngestItem<any>[]): Promise<string[]>;
}

/** For a family whose answer is a decision (C2B validation): makes it, and bounds how long Daraja waits for it. */
export interface Decider {
  decide(record: unknown): Promise<Decision>; // never rejects: a rule that cannot be checked in time falls back
  answerWithinMs: number; // the answer goes out by then, recorded or not (recording goes on, through the spool if need be)
}

export interface IngestOptions {
  stores: ReadonlyMap<string, FamilyStore>; // by family name: the families this server receives
  deciders?: ReadonlyMap<string, Decider>; // by family name
  spool: Spool; // where callbacks go while the database cannot take them
  maxBatch: number;
  windowMs: number;
  writers: number; // transactions in flight at once
  logger: ConsolaInstance;
  metrics?: MetricsRecorder; // outcomes, batch sizes and commit times (default: none)
}

/** Outcomes since start: in all, and by family. */
export type OutcomeCounts = Record<string, number>;

export interface Ingest {
  handle(request: CallbackRequest): Promise<IngestReply>;
  /** Writes requests straight to the database, never to the spool (the spool's replay); throws when it cannot. */
  writeToDatabase(requests: readonly CallbackRequest[]): Promise<string[]>;
  drain(): Promise<void>;
  counts(): Readonly<OutcomeCounts>;
  countsByFamily(): Readonly<Record<string, OutcomeCounts>>;
}

// Every outcome shows in /health from the start, at 0; a family's own outcomes appear once they happen.
const SHARED_OUTCOMES = ["new", "updated", "duplicate", "late-success", "conflict", "rejected", "refused", "quarantined", "spooled", "unavailable"];

export function createIngest(options: IngestOptions): Ingest {
  const { logger, spool } = options;
  const metrics = options.metrics ?? NO_METRICS;
  let outage = false;

  // The database first; when it is unreachable, the spool (fsync'd) — and the spool as long as it holds anything,
  // so that callbacks still reach the database in arrival order.
  async function write(items: IngestItem<unknown>[]): Promise<string[]> {
    if (spool.stats().depth === 0) {
      try {
        const started = performance.now();
        const outcomes = await writeByFamily(options.stores, items);
        metrics.batchWritten("database", items.length, (performance.now() - started) / 1000);
        if (outage) logger.info("the database takes callbacks again");
        outage = false;
        return outcomes;
      } catch (e) {
        if (!(isAppError(e) && e.kind === "database")) throw e;
        if (!outage) logger.error(`${e.message}; keeping callbacks in the spool at ${spool.dir} until it is back`);
        outage = true;
      }
    }
    const started = performance.now();
    await spool.append(items.map((i) => i.request));
    metrics.batchWritten("spool", items.length, (performance.now() - started) / 1000);
    return items.map((i) => (i.parsed.ok ? "spooled" : "rejected"));
  }

  const committer = new GroupCommit<IngestItem<unknown>, string>({
    write,
    keyOf: (item) => (item.parsed.ok ? keyOfItem(familyOf(item), item.parsed.value) : null),
    maxBatch: options.maxBatch, windowMs: options.windowMs, concurrency: options.writers,
  });
  const totals: OutcomeCounts = Object.fromEntries(SHARED_OUTCOMES.map((o) => [o, 0]));
  const byFamily: Record<string, OutcomeCounts> = Object.fromEntries([...options.stores.keys()].map((f) => [f, Object.fromEntries(SHARED_OUTCOMES.map((o) => [o, 0]))]));
  const count = (family: string, route: string, outcome: string) => {
    metrics.callback(family, route, outcome);
    totals[outcome] = (totals[outcome] ?? 0) + 1;
    const f = (byFamily[family] ??= {});
    f[outcome] = (f[outcome] ?? 0) + 1;
  };

  async function handle(request: CallbackRequest): Promise<IngestReply> {
    const started = performance.now();
    const family = familyNamed(request.family);
    const decider = options.deciders?.get(family.name);
    const parsed = toItem(request);
    const item = decider && parsed.parsed.ok && request.decision === undefined
      ? { ...parsed, request: { ...request, decision: await decider.decide(parsed.parsed.value) } } : parsed;
    let outcome: string;
    try {
      const stored = committer.submit(item);
      outcome = decider ? await answerInTime(stored, decider.answerWithinMs - (performance.now() - started)) : await stored;
    } catch (e) {
      count(family.name, request.route, "unavailable");
      logger.error(isAppError(e) ? e.message : `storing a callback failed: ${String(e)}`);
      return { status: 503, body: { ResultCode: 1, ResultDesc: "Temporarily unable to store the callback; it was not accepted" } };
    }
    count(family.name, request.route, outcome);
    report(family, item, outcome);
    return reply(family, item, outcome);
  }

  // Daraja waits a few seconds for a decision: past the bound it is answered as made, and recorded when the database
  // takes it (a failure then is logged; the decision is already in the spool or the database, or it is reported).
  function answerInTime(stored: Promise<string>, ms: number): Promise<string> {
    const late = stored.catch((e) => {
      logger.error(`a decision answered in time could not be recorded: ${isAppError(e) ? e.message : String(e)}`);
      return "unrecorded";
    });
    return withTimeout(late, Math.max(0, ms)).catch(() => "pending");
  }

  function report(family: AnyFamily, item: IngestItem<unknown>, outcome: string): void {
    if (!item.parsed.ok) {
      logger.info(`rejected a ${family.name} callback from ${item.request.sourceIp ?? "?"}: ${item.parsed.problems.map((p) => `${p.path} ${p.message}`).join("; ")}`);
      return;
    }
    // A payment reaching its outcome is a money event: one info line each, phone masked (DESIGN.md promise 7).
    const review = family.reviewOutcomes.has(outcome);
    const money = family.moneyOutcomes.has(outcome);
    const level = review ? WARN : money ? INFO : DEBUG;
    if (logger.level < level) return; // the hot path: no line is built that nobody will print
    const line = family.describe(item.parsed.value, outcome);
    if (review) logger.warn(`${line}: needs review`);
    else if (money) logger.info(line);
    else logger.debug(line);
  }

  return {
    handle, drain: () => committer.drain(), counts: () => ({ ...totals }),
    writeToDatabase: (requests) => writeByFamily(options.stores, requests.map(toItem)),
    countsByFamily: () => Object.fromEntries(Object.entries(byFamily).map(([f, c]) => [f, { ...c }])),
  };
}

const [WARN, INFO, DEBUG] = [1, 3, 4]; // consola's levels

// Items of one key are written in arrival order; families that share a key space (a Result API's result and timeout
// routes) share their keys.
function keyOfItem(family: AnyFamily, record: unknown): string {
  return `${family.keySpace ?? family.name}:${family.keyOf(record)}`;
}

function familyOf(item: IngestItem<unknown>): AnyFamily {
  return familyNamed(item.request.family);
}

/**
 * A batch may hold several families: the items of each store go to it (one transaction each; families sharing a store,
 * as the Result families do, share it, in arrival order), and the outcomes come back in the batch's order. Should a
 * later store be unreachable after an earlier one committed, the whole batch goes to the spool: replay skips what is
 * already logged (by request id), so nothing is stored twice, and every item was durable before its answer.
 */
export async function writeByFamily(stores: ReadonlyMap<string, FamilyStore>, items: IngestItem<unknown>[]): Promise<string[]> {
  const groups = new Map<FamilyStore, number[]>();
  items.forEach((item, i) => {
    const name = familyOf(item).name;
    const store = stores.get(name);
    if (store === undefined) throw new Error(`no store for the ${name} family`);
    const positions = groups.get(store);
    if (positions === undefined) groups.set(store, [i]);
    else positions.push(i);
  });
  const outcomes: string[] = new Array(items.length);
  for (const [store, positions] of groups) {
    const written = await store.writeBatch(positions.map((i) => items[i] as IngestItem<unknown>));
    positions.forEach((at, k) => (outcomes[at] = written[k] ?? "rejected"));
  }
  return outcomes;
}

/** Raw request → parsed item; the same for live requests and for replays from the spool. */
export function toItem(request: CallbackRequest): IngestItem<unknown> {
  const refused = request.edgeProblems ?? [];
  if (refused.length > 0) return { request, parsed: { ok: false, problems: [...refused] } };
  const json = parseJson(request.rawBody);
  return { request, parsed: json.ok ? familyNamed(request.family).parse(json.value) : json };
}

function reply(family: AnyFamily, item: IngestItem<unknown>, outcome: string): IngestReply {
  if (!item.parsed.ok) {
    const body = family.reject?.(item.parsed.problems) ?? { ResultCode: 1, ResultDesc: family.rejection, errors: item.parsed.problems };
    return { status: rejectionStatus(item.parsed.problems), body };
  }
  return { status: httpStatusOf(outcome) as 200 | 403, body: family.acknowledge(item.parsed.value, outcome, item.request) };
}
