// The timer behind the reconciliation sweep and the retention purge: runs one at a time, by the timer and by
// runOnce(), a failed run reported and the next one still coming, and stop() waiting for the run in progress.
import { expect, test } from "bun:test";
import { startPeriodic } from "../../src/core/periodic.ts";
import { waitFor } from "../support/wait-for.ts";

function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

test("by the timer: first after the delay, then every interval; stop() waits for the run in progress, then no more runs", async () => {
  let runs = 0;
  let hold: ReturnType<typeof gate> | null = null;
  const p = startPeriodic({
    run: async () => {
      runs++;
      if (hold) await hold.wait;
    },
    firstDelayMs: 0, intervalMs: 5, loop: true, onError: () => {},
  });
  await waitFor(() => runs >= 3, { what: "three runs by the timer" });
  hold = gate();
  const held = runs;
  await waitFor(() => runs === held + 1, { what: "a run that waits on the gate" });
  let stopped = false;
  const stopping = p.stop().then(() => (stopped = true));
  await Bun.sleep(20); // time for a stop() that did not wait to resolve (a negative: no condition to wait for)
  expect(stopped).toBe(false);
  hold.open();
  await stopping;
  expect(runs).toBe(held + 1);
});

test("without the loop, nothing runs until runOnce(); two at once run one after the other", async () => {
  const events: string[] = [];
  let n = 0;
  const p = startPeriodic({
    run: async () => {
      const i = ++n;
      events.push(`start ${i}`);
      await Bun.sleep(5);
      events.push(`end ${i}`);
      return i;
    },
    firstDelayMs: 0, intervalMs: 5, loop: false, onError: () => {},
  });
  expect(events).toEqual([]);
  expect(await Promise.all([p.runOnce(), p.runOnce()])).toEqual([1, 2]);
  expect(events).toEqual(["start 1", "end 1", "start 2", "end 2"]);
  await p.stop();
});

test("a run that fails is reported, and the timer goes on", async () => {
  const errors: string[] = [];
  let runs = 0;
  const p = startPeriodic({
    run: async () => {
      runs++;
      if (runs === 1) throw new Error("the database is down");
    },
    firstDelayMs: 0, intervalMs: 5, loop: true, onError: (e) => errors.push(String(e)),
  });
  await waitFor(() => runs >= 2, { what: "a second run after the failed one" });
  await p.stop();
  expect(errors).toEqual(["Error: the database is down"]);
});
