// Which notifications a callback queues: table-driven over outcomes, statuses and configurations.
import { describe, expect, test } from "bun:test";
import { NOTIFICATIONS_OFF, notificationsFor, notifyTargets, planNotifications, type NotifyTargets } from "../../../src/core/notify/notification-plan.ts";
import { planBatch, type ItemOutcome } from "../../../src/core/ingest/batch-plan.ts";
import { toStoredPayment, type StoredPayment } from "../../../src/core/payment-state.ts";
import { failure, item, success } from "../../support/callbacks.ts";

const ALL: NotifyTargets = { adminChatId: "-1001", receipts: true };
const paid = (conflictCount = 0): StoredPayment => toStoredPayment(success("A", "R1"), conflictCount);
const unpaid = (status: StoredPayment["status"], conflictCount = 0): StoredPayment => ({ ...toStoredPayment(failure("A")), status, conflictCount });

describe("notificationsFor", () => {
  test.each([
    ["a new success: admin alert and receipt", "new", paid(), ALL, ["admin status:Success", "receipt status:Success"]],
    ["a new cancel: admin alert only", "new", unpaid("Cancelled"), ALL, ["admin status:Cancelled"]],
    ["a new failure", "new", unpaid("Failed"), ALL, ["admin status:Failed"]],
    ["a new timeout", "new", unpaid("Timeout"), ALL, ["admin status:Timeout"]],
    ["a new expiry", "new", unpaid("Expired"), ALL, ["admin status:Expired"]],
    ["a new unknown code: the admin must see it", "new", unpaid("Unknown"), ALL, ["admin status:Unknown"]],
    ["unknown resolved to a success: its own alert and the receipt", "updated", paid(), ALL, ["admin status:Success", "receipt status:Success"]],
    ["a late success: a conflict alert and the receipt", "late-success", paid(1), ALL, ["conflict conflict:1", "receipt status:Success"]],
    ["a conflicting cancel after a success: the Nth conflict", "conflict", paid(3), ALL, ["conflict conflict:3"]],
    ["a conflicting timeout after a cancel", "conflict", unpaid("Cancelled", 1), ALL, ["conflict conflict:1"]],
    ["a duplicate: nothing", "duplicate", paid(), ALL, []],
    ["rejected: nothing", "rejected", paid(), ALL, []],
    ["quarantined: nothing", "quarantined", paid(), ALL, []],
    ["no ADMIN_CHAT_ID: the receipt only", "new", paid(), { adminChatId: null, receipts: true }, ["receipt status:Success"]],
    ["no ADMIN_CHAT_ID, a conflict: nothing", "conflict", paid(2), { adminChatId: null, receipts: true }, []],
    ["notifications off: nothing", "new", paid(), NOTIFICATIONS_OFF, []],
  ] as const)("%s", (_, outcome, payment, targets, expected) => {
    const events = notificationsFor(outcome as ItemOutcome, payment, targets);
    expect(events.map((e) => `${e.kind} ${e.eventKey}`)).toEqual([...expected]);
  });
});

describe("notifyTargets", () => {
  test.each([
    ["no token: off, even with a chat", { token: undefined, adminChatId: "-1001" }, NOTIFICATIONS_OFF],
    ["empty token: off", { token: "", adminChatId: "-1001" }, NOTIFICATIONS_OFF],
    ["token and chat: everything", { token: "1:x", adminChatId: "-1001" }, ALL],
    ["token without chat: receipts only", { token: "1:x", adminChatId: undefined }, { adminChatId: null, receipts: true }],
  ] as const)("%s", (_, telegram, expected) => {
    expect(notifyTargets(telegram)).toEqual(expected);
  });
});

describe("planNotifications over a batch", () => {
  test("each callback in arrival order, with its request id; duplicates and rejects queue nothing", () => {
    const items = [item(failure("A")), item(failure("A")), item(null), item(success("A", "R1")), item(failure("A", "1037", "Timeout"))];
    const events = planNotifications(items, planBatch(items, new Map()), ALL);
    expect(events.map((e) => [e.checkoutRequestId, e.kind, e.eventKey, e.requestId])).toEqual([
      ["A", "admin", "status:Cancelled", items[0]!.request.id],
      ["A", "conflict", "conflict:1", items[3]!.request.id],
      ["A", "receipt", "status:Success", items[3]!.request.id],
      ["A", "conflict", "conflict:2", items[4]!.request.id],
    ]);
  });

  test("counts continue from the stored conflict count", () => {
    const items = [item(failure("A"))];
    const events = planNotifications(items, planBatch(items, new Map([["A", paid(4)]])), ALL);
    expect(events.map((e) => e.eventKey)).toEqual(["conflict:5"]);
  });
});
