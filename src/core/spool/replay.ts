// Replays the spool into the database, oldest first, in batches; a file is deleted only once all of it committed.
import type { ConsolaInstance } from "consola";
import type { Spool, SpoolBatch } from "./spool.ts";
import type { CallbackRequest } from "../ingest/batch-plan.ts";

export interface ReplayOptions {
  spool: Spool;
  write: (requests: CallbackRequest[]) => Promise<unknown>; // to the database, each family to its store
  alreadyStored: (ids: string[]) => Promise<Set<string>>;
  logger: ConsolaInstance;
  batchSize: number;
  intervalMs?: number; // how often to look while the spool is not empty
}

export function startReplay(o: ReplayOptions): { stop(): Promise<void>; runOnce(): Promise<boolean> } {
  let stopped = false;
  let running: Promise<boolean> = Promise.resolve(true);

  async function replayFile(batch: SpoolBatch): Promise<void> {
    if (batch.tornTail || batch.damaged > 0) {
      o.logger.warn(`spool ${batch.file}: skipped ${batch.damaged} damaged record(s)${batch.tornTail ? " and a torn last record (a write cut short by a crash; it was never acknowledged)" : ""}`);
    }
    for (let i = 0; i < batch.records.length; i += o.batchSize) {
      const chunk = batch.records.slice(i, i + o.batchSize);
      const known = await o.alreadyStored(chunk.map((r) => r.id));
      const fresh = chunk.filter((r) => !known.has(r.id));
      if (fresh.length > 0) await o.write(fresh);
    }
    await o.spool.done(batch);
    o.logger.info(`spool: replayed ${batch.records.length} callback(s) into the database`);
  }

  /** Replays everything it can; false when the database is still unavailable. */
  async function runOnce(): Promise<boolean> {
    while (!stopped) {
      const batch = await o.spool.next();
      if (batch === null) return true;
      try {
        await replayFile(batch);
      } catch (e) {
        o.logger.debug(`spool replay waits for the database: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }
    return true;
  }

  const timer = setInterval(() => {
    if (o.spool.stats().depth === 0) return;
    running = running.then(() => runOnce());
  }, o.intervalMs ?? 1000);

  return {
    runOnce: () => (running = running.then(() => runOnce())),
    async stop() {
      clearInterval(timer);
      await running;
      stopped = true;
    },
  };
}
