// A task serve runs now and then (the reconciliation sweep, the retention purge): first after a delay, then every
// interval, one run at a time — runOnce() waits for a run in progress before its own — and stop() cuts the pause
// short and waits for the run in progress.
import { createNap } from "./nap.ts";

export interface Periodic<T> {
  /** One run now, after the one in progress (if any). */
  runOnce(): Promise<T>;
  /** No further run by the timer; resolves once the run in progress (if any) has ended. */
  stop(): Promise<void>;
}

export interface PeriodicOptions<T> {
  run: () => Promise<T>;
  firstDelayMs: number;
  intervalMs: number;
  loop: boolean; // false: only runOnce() (the task is off, or a test drives it)
  onError: (e: unknown) => void; // a timer's run that failed; it runs again after the interval
}

export function startPeriodic<T>(o: PeriodicOptions<T>): Periodic<T> {
  let chain: Promise<unknown> = Promise.resolve();
  const runOnce = (): Promise<T> => {
    const run = chain.then(o.run);
    chain = run.catch(() => {});
    return run;
  };
  let stopping = false;
  const nap = createNap();
  async function loop(): Promise<void> {
    await nap.sleep(o.firstDelayMs);
    while (!stopping) {
      await runOnce().catch(o.onError);
      if (!stopping) await nap.sleep(o.intervalMs);
    }
  }
  const looping = o.loop ? loop() : Promise.resolve();
  let stopped: Promise<void> | null = null;
  return {
    runOnce,
    stop() {
      stopping = true;
      nap.wake();
      stopped ??= looping.then(() => chain).then(() => {});
      return stopped;
    },
  };
}
