// Group commit: concurrent submissions share one write. Up to `concurrency` writes run at once, and no two of them
// hold the same key, so items with one key are written strictly in arrival order (one-by-one semantics per key).

export interface GroupCommitOptions<T, R> {
  write: (items: T[]) => Promise<R[]>; // one result per item, in order
  keyOf: (item: T) => string | null; // items with the same key never sit in two writes at once
  maxBatch: number; // most items in one write
  windowMs: number; // how long an idle writer waits for company before writing a lone item
  concurrency: number; // writes in flight at once (1 for SQLite: one writer)
}

interface Pending<T, R> {
  item: T;
  key: string | null;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private running = 0;
  private readonly busyKeys = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, key: this.options.keyOf(item), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or being written (for shutdown). */
  drain(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running >= this.options.concurrency || this.timer !== undefined) return;
    // A busy writer means company is coming anyway: write what is here as soon as a writer is free.
    const wait = this.running > 0 || this.queue.length >= this.options.maxBatch ? 0 : this.options.windowMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWrites();
    }, wait);
  }

  private startWrites(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      // Share what is waiting among the free writers: smaller transactions that commit side by side.
      const free = this.options.concurrency - this.running;
      const batch = this.takeBatch(Math.min(this.options.maxBatch, Math.ceil(this.queue.length / free)));
      if (batch.length === 0) return; // everything waiting shares a key with a write in flight
      void this.write(batch);
    }
  }

  // In arrival order, skipping (and keeping queued) items whose key is held by a write in flight.
  private takeBatch(limit: number): Pending<T, R>[] {
    const batch: Pending<T, R>[] = [];
    const rest: Pending<T, R>[] = [];
    const taken = new Set<string>();
    for (const p of this.queue) {
      const blocked = p.key !== null && this.busyKeys.has(p.key) && !taken.has(p.key);
      if (blocked || batch.length >= limit) rest.push(p);
      else {
        batch.push(p);
        if (p.key !== null) taken.add(p.key);
      }
    }
    this.queue = rest;
    for (const k of taken) this.busyKeys.add(k);
    return batch;
  }

  private async write(batch: Pending<T, R>[]): Promise<void> {
    this.running++;
    try {
      const results = await this.options.write(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.running--;
      for (const p of batch) if (p.key !== null) this.busyKeys.delete(p.key);
      if (this.queue.length > 0) this.schedule();
      else if (this.running === 0) for (const done of this.idleWaiters.splice(0)) done();
    }
  }
}
