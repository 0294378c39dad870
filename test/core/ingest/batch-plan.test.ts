import { describe, expect, test } from "bun:test";
import { planBatch } from "../../../src/core/ingest/batch-plan.ts";
import { toStoredPayment } from "../../../src/core/payment-state.ts";
import { failure, item, success } from "../../support/callbacks.ts";

describe("planBatch (one-by-one semantics inside a batch)", () => {
  test("copies of one callback in a batch: one insert, then duplicates", () => {
    const cb = success("A", "R1");
    const plan = planBatch([item(cb), item(cb), item(cb)], new Map());
    expect(plan.outcomes).toEqual(["new", "duplicate", "duplicate"]);
    expect([...plan.writes.values()].map((w) => [w.mode, w.source?.status])).toEqual([["insert", "Success"]]);
  });

  test("cancel then success in one batch: one insert holding the success, flagged as late", () => {
    const plan = planBatch([item(failure("A")), item(success("A", "R1"))], new Map());
    expect(plan.outcomes).toEqual(["new", "late-success"]);
    const w = plan.writes.get("A");
    expect([w?.mode, w?.source?.status, w?.supersededStatus, w?.conflictCount, w?.lastConflictCode]).toEqual(["insert", "Success", "Cancelled", 1, "0"]);
  });

  test("success then cancel in one batch: the success is inserted and flagged", () => {
    const plan = planBatch([item(success("A", "R1")), item(failure("A"))], new Map());
    expect(plan.outcomes).toEqual(["new", "conflict"]);
    const w = plan.writes.get("A");
    expect([w?.mode, w?.source?.status, w?.conflictCount, w?.lastConflictCode]).toEqual(["insert", "Success", 1, "1032"]);
  });

  test("against stored rows: duplicate writes nothing, conflict writes a flag-only update", () => {
    const stored = new Map([["A", toStoredPayment(success("A", "R1"))], ["B", toStoredPayment(failure("B"))]]);
    const plan = planBatch([item(success("A", "R1")), item(failure("A")), item(failure("B"))], stored);
    expect(plan.outcomes).toEqual(["duplicate", "conflict", "duplicate"]);
    expect([...plan.writes.values()].map((w) => [w.checkoutRequestId, w.mode, w.source])).toEqual([["A", "update", null]]);
  });

  test("rejected items take part in order but write no payment", () => {
    const plan = planBatch([item(null), item(success("A", "R1")), item(null)], new Map());
    expect(plan.outcomes).toEqual(["rejected", "new", "rejected"]);
    expect(plan.writes.size).toBe(1);
  });
});
