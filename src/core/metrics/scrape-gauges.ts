// Gauges read when /metrics is scraped rather than counted as things happen: the spool, and the outbox rows of every
// instance (one cheap query, bounded in time; whether it answered is database_up).
import type { Gauge } from "prom-client";
import type { OutboxStats } from "../store/outbox-queue.ts";
import { withTimeout } from "../with-timeout.ts";

export interface ScrapeSources {
  spool?: () => { depth: number; oldestAgeSeconds: number | null };
  outbox?: () => Promise<OutboxStats | { error: string }>; // the query /health runs
}

export interface ScrapeGauges {
  use(sources: ScrapeSources): void;
  read(): Promise<void>;
}

export function scrapeGauges(gauge: (name: string, help: string) => Gauge, timeoutMs: number): ScrapeGauges {
  const spoolDepth = gauge("spool_depth", "Callbacks in the local spool, waiting for the database.");
  const spoolAge = gauge("spool_oldest_age_seconds", "Age of the oldest callback in the spool (0 when it is empty).");
  const pending = gauge("outbox_pending", "Notifications waiting to be sent (all instances: read from the database).");
  const failed = gauge("outbox_failed", "Notifications given up on, kept with status failed (all instances: read from the database).");
  const oldest = gauge("outbox_oldest_pending_age_seconds", "Age of the oldest pending notification (0 when none).");
  const databaseUp = gauge("database_up", "1 when the database answered this scrape's outbox query in time, else 0 (the outbox gauges then keep their last values).");
  let sources: ScrapeSources = {};
  return {
    use: (s) => void (sources = s),
    async read() {
      const spool = sources.spool?.();
      spoolDepth.set(spool?.depth ?? 0);
      spoolAge.set(spool?.oldestAgeSeconds ?? 0);
      if (sources.outbox === undefined) return;
      const stats = await withTimeout(sources.outbox(), timeoutMs).catch((e: unknown) => ({ error: String(e) }));
      databaseUp.set("error" in stats ? 0 : 1);
      if ("error" in stats) return;
      pending.set(stats.pending);
      failed.set(stats.failed);
      oldest.set(stats.oldestPendingAgeSeconds ?? 0);
    },
  };
}
