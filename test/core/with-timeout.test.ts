// withTimeout: the work's answer or failure when it comes in time, the timeout's error when it does not.
import { expect, test } from "bun:test";
import { withTimeout } from "../../src/core/with-timeout.ts";

const never = () => new Promise<string>(() => {});

test.each([
  ["an answer in time", () => Promise.resolve("rows"), 5_000, { value: "rows" }],
  ["a failure in time keeps its own error", () => Promise.reject(new Error("ECONNREFUSED")), 5_000, { error: "ECONNREFUSED" }],
  ["no answer: the timeout's error names the limit", never, 20, { error: "no answer within 20 ms" }],
  ["an answer after the limit comes too late", () => Bun.sleep(2_000).then(() => "late"), 20, { error: "no answer within 20 ms" }],
] as const)("%s", async (_, work, ms, expected) => {
  const outcome = await withTimeout<string>(work(), ms).then((value) => ({ value }), (e: Error) => ({ error: e.message }));
  expect(outcome).toEqual(expected);
});

test("a settled wait leaves no timer behind: a process that used it exits at once, not when the limit would have passed", async () => {
  const script = `import { withTimeout } from ${JSON.stringify(`${import.meta.dir}/../../src/core/with-timeout.ts`)};
    console.log(await withTimeout(Promise.resolve("answered"), 600_000));`;
  const started = performance.now();
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [code, out] = await Promise.all([child.exited, new Response(child.stdout).text()]);
  expect([code, out.trim()]).toEqual([0, "answered"]);
  expect(performance.now() - started).toBeLessThan(30_000);
}, 60_000);
