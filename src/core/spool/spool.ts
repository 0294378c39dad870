// The local spool: when the database cannot take callbacks, their raw requests are appended here and fsync'd before
// the 200 goes out (DESIGN.md promise 1). Files are replayed oldest first and deleted once committed.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { CallbackRequest } from "../ingest/batch-plan.ts";
import { decodeRecords, encodeRecord } from "./spool-format.ts";

const ACTIVE = "spool.log";

export interface SpoolBatch {
  file: string; // a frozen file: nothing is appended to it any more
  records: CallbackRequest[];
  damaged: number;
  tornTail: boolean;
}

export class Spool {
  private pending = 0;
  private oldest: Date | null = null;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of this.frozenFiles().concat(this.hasActive() ? [ACTIVE] : [])) this.count(decodeRecords(readFileSync(join(dir, f))).records);
  }

  /** Requests waiting to be replayed, and the receive time of the oldest. */
  stats(): { depth: number; oldestAgeSeconds: number | null } {
    return { depth: this.pending, oldestAgeSeconds: this.oldest ? Math.round((Date.now() - this.oldest.getTime()) / 1000) : null };
  }

  /** Whether a callback could be spooled now: writes, fsyncs and removes a probe file (for /health, before an outage
   * finds out). A directory that was removed is made again. */
  checkWritable(): { writable: true } | { writable: false; error: string } {
    const probe = join(this.dir, ".write-probe");
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const fd = openSync(probe, "w", 0o600);
      try {
        writeSync(fd, "ok");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      unlinkSync(probe);
      return { writable: true };
    } catch (e) {
      return { writable: false, error: `${this.dir}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** Appends and fsyncs; when it resolves, the requests survive a crash or power cut. Throws if the disk refuses. */
  append(requests: readonly CallbackRequest[]): Promise<void> {
    return this.exclusive(() => {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 }); // removed while we ran: make it again
      const path = join(this.dir, ACTIVE);
      const created = !this.hasActive();
      const fd = openSync(path, "a", 0o600);
      try {
        writeSync(fd, Buffer.concat(requests.map(encodeRecord)));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (created) this.syncDir(); // the new file's name must survive a crash too
      this.count(requests);
    });
  }

  /** Freezes what has been appended so far and returns the oldest frozen file's records, or null when empty. */
  next(): Promise<SpoolBatch | null> {
    return this.exclusive(() => {
      // Freeze only when the frozen files are gone: a long outage then leaves one file per replay, not one per try.
      if (this.frozenFiles().length === 0 && this.hasActive()) renameSync(join(this.dir, ACTIVE), join(this.dir, `spool-${Date.now().toString().padStart(15, "0")}.replay`));
      const file = this.frozenFiles()[0];
      if (file === undefined) return null;
      return { file, ...decodeRecords(readFileSync(join(this.dir, file))) };
    });
  }

  /** The batch is committed to the database: forget it. */
  done(batch: SpoolBatch): Promise<void> {
    return this.exclusive(() => {
      unlinkSync(join(this.dir, batch.file));
      this.syncDir();
      this.pending = Math.max(0, this.pending - batch.records.length);
      if (this.pending === 0) this.oldest = null;
      else this.oldest = this.peekOldest();
    });
  }

  private count(records: readonly CallbackRequest[]): void {
    this.pending += records.length;
    const first = records[0]?.receivedAt;
    if (first && (this.oldest === null || first < this.oldest)) this.oldest = first;
  }

  private peekOldest(): Date | null {
    const file = this.frozenFiles()[0] ?? (this.hasActive() ? ACTIVE : undefined);
    return file ? (decodeRecords(readFileSync(join(this.dir, file))).records[0]?.receivedAt ?? null) : null;
  }

  private frozenFiles(): string[] {
    return readdirSync(this.dir).filter((f) => f.endsWith(".replay")).sort();
  }

  private hasActive(): boolean {
    try {
      return statSync(join(this.dir, ACTIVE)).size >= 0;
    } catch {
      return false;
    }
  }

  private syncDir(): void {
    const fd = openSync(this.dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  // Appends and rotations never interleave: a record can never land in a file after it was frozen.
  private exclusive<T>(work: () => T): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => {});
    return run;
  }
}
