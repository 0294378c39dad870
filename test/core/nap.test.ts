// A nap ends on its own or when woken; a wake ends only the sleep that runs, and leaves no timer behind.
import { expect, test } from "bun:test";
import { createNap } from "../../src/core/nap.ts";

const settledWithin = (p: Promise<void>, ms: number) => Promise.race([p.then(() => true), Bun.sleep(ms).then(() => false)]);

test.each([
  ["a short sleep ends on its own", 10, false, true],
  ["a long sleep ends when woken", 600_000, true, true],
  ["a long sleep not woken goes on", 600_000, false, false],
] as const)("%s", async (_, ms, wake, ended) => {
  const nap = createNap();
  const sleeping = nap.sleep(ms);
  if (wake) nap.wake();
  expect(await settledWithin(sleeping, 2_000)).toBe(ended);
  nap.wake(); // leave no timer running
});

test("a wake before a sleep, or between two, does not end the next one", async () => {
  const nap = createNap();
  nap.wake();
  const first = nap.sleep(600_000);
  nap.wake();
  await first;
  const second = nap.sleep(600_000);
  expect(await settledWithin(second, 200)).toBe(false);
  nap.wake();
  await second;
});

test("a woken sleep leaves no timer: a process that napped exits at once", async () => {
  const script = `import { createNap } from ${JSON.stringify(`${import.meta.dir}/../../src/core/nap.ts`)};
    const nap = createNap(); const s = nap.sleep(600_000); nap.wake(); await s; console.log("woke");`;
  const started = performance.now();
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [code, out] = await Promise.all([child.exited, new Response(child.stdout).text()]);
  expect([code, out.trim()]).toEqual([0, "woke"]);
  expect(performance.now() - started).toBeLessThan(30_000);
}, 60_000);
