// RecentKeys: remembers what was added, forgets the oldest generation whole, never grows past two generations.
import { expect, test } from "bun:test";
import { RecentKeys } from "../../../src/core/ingest/recent-keys.ts";

test("keys added are known; others are not", () => {
  const recent = new RecentKeys(10);
  recent.add(["a", "b"]);
  expect([recent.has("a"), recent.has("b"), recent.has("c")]).toEqual([true, true, false]);
  expect(recent.hasAny(["x", "b"])).toBe(true);
  expect(recent.hasAny(["x", "y"])).toBe(false);
  expect(recent.hasAny([])).toBe(false);
});

test("the previous generation is kept, the one before it forgotten", () => {
  const recent = new RecentKeys(2);
  recent.add(["k1", "k2"]); // generation 1 full
  recent.add(["k3", "k4"]); // generation 2; generation 1 is the previous one
  expect(["k1", "k2", "k3", "k4"].map((k) => recent.has(k))).toEqual([true, true, true, true]);
  recent.add(["k5"]); // generation 3: generation 1 is gone
  expect(["k1", "k2", "k3", "k4", "k5"].map((k) => recent.has(k))).toEqual([false, false, true, true, true]);
});
