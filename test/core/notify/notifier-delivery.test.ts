// The notifier end to end: callbacks stored → outbox rows → the real client → a fake Bot API; each message once.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { testDialects } from "../../support/databases.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";
import { ADMIN_CHAT, HANGING_TELEGRAM, OutboxBench, waitFor } from "../../support/outbox.ts";
import type { FakeAnswer } from "../../support/fake-telegram.ts";

const PAYER_CHAT = "700100200";
const PAYER_PHONE = "254712000111";
const NAME = "Am<i>na & _*[Co]";
const PATIENT = { policy: { maxAttempts: 1_000, baseDelayMs: 40, maxDelayMs: 200 } }; // never gives up during the test

describe.each(await testDialects())("notifications on %s", (dialect) => {
  let bench: OutboxBench;
  beforeEach(async () => {
    bench = await OutboxBench.open(dialect);
    await bench.addUser(PAYER_CHAT, PAYER_PHONE, NAME);
  });
  afterEach(() => bench.close());

  const paid = (id = uniqueId()) => ({ ...success(id, `R${id.slice(-9)}`), phone: PAYER_PHONE });

  test("a success: one admin alert and one receipt, each delivered once, to the right chats, as escaped HTML", async () => {
    const cb = paid();
    await bench.store.writeBatch([item(cb)]);
    await bench.startNotifier();
    const rows = await bench.settle(2);
    expect(rows.map((r) => [r.kind, r.recipient, r.status, r.attempts])).toEqual([["admin", ADMIN_CHAT, "sent", 1], ["receipt", PAYER_CHAT, "sent", 1]]);
    expect(bench.fake.delivered.map((d) => `${d.chatId} ${d.parseMode}`).sort()).toEqual([`${ADMIN_CHAT} HTML`, `${PAYER_CHAT} HTML`].sort());
    const [admin, receipt] = [bench.fake.deliveredTo(ADMIN_CHAT), bench.fake.deliveredTo(PAYER_CHAT)];
    expect([admin.length, receipt.length]).toEqual([1, 1]);
    expect(admin[0]?.text).toContain("Amount: <b>KES 1,500.00</b>");
    expect(admin[0]?.text).toContain("Phone: 2547******11");
    expect(receipt[0]?.text).toContain("Hello Am&lt;i&gt;na &amp; _*[Co], thank you");
    expect(receipt[0]?.text).toContain(`M-Pesa receipt: <code>${cb.receipt}</code>`);
    // what was sent is recorded with Telegram's message id
    expect(rows.map((r) => [r.messageId, r.message])).toEqual([admin[0], receipt[0]].map((d) => [d?.messageId ?? -1, d?.text ?? ""]));
  });

  test("a failed callback: one admin alert, no receipt", async () => {
    await bench.store.writeBatch([item(failure(uniqueId(), "1", "Failed"))]);
    await bench.startNotifier();
    const rows = await bench.settle(1);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([["admin", "sent"]]);
    expect(bench.fake.delivered.map((d) => d.chatId)).toEqual([ADMIN_CHAT]);
    expect(bench.fake.delivered[0]?.text).toContain("❌ Payment failed");
  });

  test("20 copies of a success at once while the notifier runs: one alert and one receipt", async () => {
    await bench.startNotifier();
    const cb = paid();
    await Promise.all(Array.from({ length: 20 }, () => bench.store.writeBatch([item(cb)])));
    await bench.settle(2);
    expect(bench.fake.delivered.map((d) => d.chatId).sort()).toEqual([ADMIN_CHAT, PAYER_CHAT].sort());
  });

  test.each([
    ["429 with retry_after", ["429", "429"]],
    ["500", ["500", "500", "500"]],
    ["a hang past the timeout", ["hang", "hang"]],
  ] as [string, FakeAnswer[]][])("Telegram answering %s: delivered once it recovers, none twice", async (_, answers) => {
    bench.fake.script(...answers);
    await bench.store.writeBatch([item(paid()), item(failure(uniqueId()))]);
    await bench.startNotifier({ tuning: answers.includes("hang") ? HANGING_TELEGRAM : {} });
    const rows = await bench.settle(3);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(bench.fake.answered.slice(0, answers.length)).toEqual(answers); // the failures really were served…
    expect(bench.fake.answered.filter((a) => a === "ok").length).toBe(3); // …then each message was delivered once
    expect(new Set(bench.fake.delivered.map((d) => d.text)).size).toBe(3);
    // Every request is one recorded attempt (however the retries fell), and a row that met a failure was retried.
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(bench.fake.answered.length);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    expectEachOnce(rows.map((r) => r.messageId));
  }, 60_000);

  test("Telegram refusing connections: delivered once it is back, none twice", async () => {
    await bench.fake.stop();
    await bench.store.writeBatch([item(paid()), item(failure(uniqueId()))]);
    await bench.startNotifier({ tuning: PATIENT });
    await waitFor(async () => (await bench.rows()).every((r) => r.attempts >= 2), "two refused attempts per row");
    expect((await bench.rows()).every((r) => r.status === "pending" && (r.error ?? "").length > 0)).toBe(true);
    bench.fake.restart();
    const rows = await bench.settle(3);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(bench.fake.delivered.length).toBe(3);
    expectEachOnce(rows.map((r) => r.messageId));
  });

  test.each([["400" as const], ["403" as const]])("Telegram answering %s: failed after one attempt, not retried", async (answer) => {
    bench.fake.mode = answer;
    await bench.store.writeBatch([item(paid())]);
    await bench.startNotifier();
    const rows = await bench.settle(2);
    expect(rows.map((r) => [r.status, r.attempts, r.error?.startsWith(`Telegram ${answer}:`)])).toEqual([["failed", 1, true], ["failed", 1, true]]);
    expect(bench.fake.answered).toEqual([answer, answer]);
    expect(rows.every((r) => r.message !== null)).toBe(true); // the text that was refused stays visible
  });

  test("stopped with messages pending and started again: each delivered once", async () => {
    bench.fake.mode = "500";
    await bench.store.writeBatch([item(paid()), item(failure(uniqueId()))]);
    await bench.startNotifier({ tuning: PATIENT });
    await waitFor(async () => (await bench.rows()).every((r) => r.attempts >= 1), "a first attempt per row");
    await bench.stopNotifiers();
    expect((await bench.rows()).map((r) => r.status)).toEqual(["pending", "pending", "pending"]);
    bench.fake.mode = "ok";
    await bench.startNotifier();
    const rows = await bench.settle(3);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(bench.fake.delivered.length).toBe(3);
  });
});

function expectEachOnce(messageIds: (number | null)[]): void {
  expect(messageIds.every((id) => id !== null)).toBe(true);
  expect(new Set(messageIds).size).toBe(messageIds.length);
}
