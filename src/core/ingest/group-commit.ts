// Group commit: concurrent submissions share one write. One writer at a time; while it works, the next batch gathers.

export interface GroupCommitOptions<T, R> {
  write: (items: T[]) => Promise<R[]>; // one result per item, in order
  maxBatch: number; // flush as soon as this many are waiting
  windowMs: number; // how long an idle writer waits for company before writing a lone item
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private writing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being written right now. */
  get depth(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or being written (for shutdown). */
  drain(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.writing) return; // the running write schedules the next batch when it ends
    if (this.queue.length >= this.options.maxBatch || this.options.windowMs <= 0) {
      this.flushSoon();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.options.windowMs);
    }
  }

  private flushSoon(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    queueMicrotask(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const batch = this.queue.splice(0, this.options.maxBatch);
    try {
      const results = await this.options.write(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.writing = false;
      if (this.queue.length > 0) this.flushSoon(); // what gathered during the write goes now
      else for (const done of this.idleWaiters.splice(0)) done();
    }
  }
}
