// Bounded waits and free ports for the cluster harness: every wait has a limit and says what it waited for.

export interface WaitOptions {
  what: string | (() => string); // a function when the message should describe the state at the deadline
  timeoutMs: number;
  intervalMs?: number;
}

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. `check` may throw to give up at once. */
export async function waitUntil(check: () => boolean | Promise<boolean>, o: WaitOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${typeof o.what === "function" ? o.what() : o.what}`);
    await Bun.sleep(o.intervalMs ?? 100);
  }
}

/** A loopback port that was free a moment ago (bound to port 0 and released). */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
