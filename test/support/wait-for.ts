// Awaiting a condition instead of sleeping: polls `check` until it holds. The limit is a bound for a busy machine
// (the test fails with `what` when it runs out), never a timing assertion.
export interface WaitOptions {
  what?: string;
  timeoutMs?: number; // default 30 s
  intervalMs?: number; // default 20 ms
}

export async function waitFor(check: () => Promise<boolean> | boolean, o: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${o.timeoutMs ?? 30_000} ms waiting for ${o.what ?? "a condition"}`);
    await Bun.sleep(o.intervalMs ?? 20);
  }
}

/** Polls `read` until it returns a value that is not undefined, and returns it. */
export async function waitForValue<T>(read: () => Promise<T | undefined> | T | undefined, o: WaitOptions = {}): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => (value = await read()) !== undefined, o);
  return value as T;
}
