import { describe, expect, test } from "bun:test";
import { decideCallback, toStoredPayment, type StoredPayment } from "../../src/core/payment-state.ts";
import { failure, success } from "../support/callbacks.ts";

const id = "ws_CO_1";
const ok = success(id, "RCPT000001");
const stored = (cb = ok, over: Partial<StoredPayment> = {}): StoredPayment => ({ ...toStoredPayment(cb), ...over });

describe("decideCallback", () => {
  test.each([
    ["never seen → new, insert", undefined, ok, "new", "insert"],
    ["same success again → duplicate", stored(), ok, "duplicate", "none"],
    ["same cancel again → duplicate", stored(failure(id)), failure(id), "duplicate", "none"],
    ["failure again when the pending row kept its requested amount → duplicate", stored(failure(id), { amountCents: 5000 }), failure(id), "duplicate", "none"],
    ["Pending row from the original server → new, update", stored(ok, { status: "Pending", resultCode: null, receipt: null }), ok, "new", "update"],
    ["Unknown then a definite outcome → updated", stored(failure(id, "7777", "Unknown")), failure(id), "updated", "update"],
    ["success after cancel → late-success, update", stored(failure(id)), ok, "late-success", "update"],
    ["success after timeout → late-success", stored(failure(id, "1037", "Timeout")), ok, "late-success", "update"],
    ["cancel after success → conflict, success stays", stored(), failure(id), "conflict", "flag"],
    ["the same cancel again after that conflict → duplicate (no second alert)", stored(ok, { conflictCount: 1, lastConflictCode: "1032" }), failure(id), "duplicate", "none"],
    ["another code after that conflict → conflict", stored(ok, { conflictCount: 1, lastConflictCode: "1032" }), failure(id, "1037", "Timeout"), "conflict", "flag"],
    ["a second conflicting success after one (code 0 tells nothing apart) → conflict", stored(ok, { conflictCount: 1, lastConflictCode: "0" }), success(id, "RCPT000003"), "conflict", "flag"],
    ["success with another receipt after success → conflict", stored(), success(id, "RCPT000002"), "conflict", "flag"],
    ["success with another amount, same receipt → conflict", stored(), success(id, "RCPT000001", 1), "conflict", "flag"],
    ["timeout after cancel → conflict, cancel stays", stored(failure(id)), failure(id, "1037", "Timeout"), "conflict", "flag"],
    ["unknown code after cancel → conflict", stored(failure(id)), failure(id, "7777", "Unknown"), "conflict", "flag"],
    ["success recovered by query (no receipt), then its callback → completed, update", stored(ok, { receipt: null }), ok, "completed", "update"],
    ["recovered success without an amount, then its callback → completed", stored(ok, { receipt: null, amountCents: null }), ok, "completed", "update"],
    ["recovered success, then a callback for another amount → conflict", stored(ok, { receipt: null, amountCents: 100 }), ok, "conflict", "flag"],
    ["recovered success, then a cancel → conflict", stored(ok, { receipt: null }), failure(id), "conflict", "flag"],
  ] as const)("%s", (_, current, cb, outcome, change) => {
    const d = decideCallback(current, cb);
    expect(d.outcome).toBe(outcome);
    expect(d.change.kind).toBe(change);
  });

  test("a late success records what it superseded and counts the conflict", () => {
    const d = decideCallback(stored(failure(id, "1037", "Timeout")), ok);
    expect(d.change.kind === "update" && [d.change.supersededStatus, d.change.payment.status, d.change.payment.conflictCount]).toEqual(["Timeout", "Success", 1]);
  });

  test("a conflict keeps the stored outcome and counts up", () => {
    const d = decideCallback(stored(ok, { conflictCount: 2 }), failure(id));
    expect(d.change.kind === "flag" && [d.change.payment.status, d.change.payment.conflictCount, d.change.conflictCode]).toEqual(["Success", 3, "1032"]);
  });
});
