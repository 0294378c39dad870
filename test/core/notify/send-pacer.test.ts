// The send pacer against a test clock: bursts, the steady rate, and sends given back.
import { expect, test } from "bun:test";
import { SendPacer } from "../../../src/core/notify/send-pacer.ts";

test.each([
  ["a full burst at once, then nothing", [[0, 10, 10], [0, 10, 0]]],
  ["refills at the rate: 25/s gives 5 after 200 ms", [[0, 10, 10], [200, 10, 5]]],
  ["never more than the burst, however long it waited", [[0, 10, 10], [60_000, 50, 10]]],
  ["asks for fewer than allowed: gets what it asked", [[0, 3, 3], [0, 10, 7]]],
] as const)("%s", (_, steps) => {
  let clock = 1_000_000;
  const pacer = new SendPacer(25, 10, () => clock);
  for (const [advance, wanted, granted] of steps) {
    clock += advance;
    expect(pacer.take(wanted)).toBe(granted);
  }
});

test("waitMs says when the next send may start; giveBack returns unused sends", () => {
  let clock = 0;
  const pacer = new SendPacer(25, 10, () => clock);
  expect(pacer.waitMs()).toBe(0);
  pacer.take(10);
  expect(pacer.waitMs()).toBe(40); // one send per 40 ms at 25/s
  pacer.giveBack(4);
  expect([pacer.waitMs(), pacer.take(10)]).toEqual([0, 4]);
  clock += 40;
  expect(pacer.take(10)).toBe(1);
});

test("a rate of 0 is refused", () => {
  expect(() => new SendPacer(0, 10)).toThrow(RangeError);
});
