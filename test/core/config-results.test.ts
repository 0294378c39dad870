// MPESA_CB_LOW_BALANCE_KES: off unless set; read in cents; a mistake named with how to fix it.
import { expect, test } from "bun:test";
import { parseConfig } from "../../src/core/config.ts";

test("unset: no low-balance alerts", () => {
  const r = parseConfig({});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  expect(r.value.results.lowBalanceCents).toBeNull();
});

test("an amount in KES is read in cents", () => {
  const r = parseConfig({ MPESA_CB_LOW_BALANCE_KES: "20000.50" });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  expect(r.value.results.lowBalanceCents).toBe(2_000_050);
});

test.each(["10.005", "-5", "lots"])("%p is refused, naming the setting", (value) => {
  const r = parseConfig({ MPESA_CB_LOW_BALANCE_KES: value });
  expect(r.ok).toBe(false);
  const problem = r.ok ? undefined : r.problems.find((p) => p.path.startsWith("MPESA_CB_LOW_BALANCE_KES"));
  expect(problem?.message).toContain(value);
});
