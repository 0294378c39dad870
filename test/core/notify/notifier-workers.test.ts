// Several workers, crashed workers, status for /health, and the bot token kept out of logs and the database.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { testDialects } from "../../support/databases.ts";
import { failure, item, success, uniqueId } from "../../support/callbacks.ts";
import { BOT_TOKEN, OutboxBench, waitFor } from "../../support/outbox.ts";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";

describe.each(await testDialects())("outbox workers on %s", (dialect) => {
  let bench: OutboxBench;
  beforeEach(async () => {
    bench = await OutboxBench.open(dialect);
  });
  afterEach(() => bench.close());

  const failures = (n: number) => Array.from({ length: n }, () => item(failure(uniqueId())));

  test("two notifiers with their own connections on one database never send a row twice", async () => {
    await bench.store.writeBatch(failures(40));
    const tuning = { batchSize: 3 }; // small claims, so that the two workers interleave
    await Promise.all([bench.startNotifier({ ownDatabase: true, tuning }), bench.startNotifier({ ownDatabase: true, tuning })]);
    const rows = await bench.settle(40);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    expect(bench.fake.delivered.length).toBe(40);
    expect(new Set(bench.fake.delivered.map((d) => d.text)).size).toBe(40);
  });

  test("a crashed worker's claim is sent by another once its lease runs out, not before", async () => {
    await bench.store.writeBatch(failures(2));
    const queue = createOutboxQueue(bench.db);
    const [short] = await queue.claim("crashed-worker-a", 1, 300); // dies holding a short lease
    const [long] = await queue.claim("crashed-worker-b", 1, 600_000); // and one that would still be sending
    await bench.startNotifier();
    await waitFor(async () => (await bench.rows()).some((r) => r.id === short?.id && r.status === "sent"), "the expired claim to be sent");
    await bench.stopNotifiers();
    const rows = await bench.rows();
    expect(rows.map((r) => [r.id, r.status])).toEqual([[Number(short?.id), "sent"], [Number(long?.id), "pending"]]);
    expect(bench.fake.delivered.length).toBe(1);
  });

  test("a row claimed by one worker is not claimed by another while the lease holds", async () => {
    await bench.store.writeBatch(failures(3));
    const queue = createOutboxQueue(bench.db);
    const first = await queue.claim("worker-a", 2, 60_000);
    const second = await queue.claim("worker-b", 10, 60_000);
    expect(first.length + second.length).toBe(3);
    expect(new Set([...first, ...second].map((r) => r.id)).size).toBe(3);
    expect(await queue.markSent(first[0]?.id ?? 0, "worker-b", 1, "x")).toBe(false); // only the holder records
  });

  test("status: Telegram up, the backlog and failures counted; getMe asked once per cache period", async () => {
    bench.fake.mode = "403";
    await bench.store.writeBatch(failures(1));
    const notifier = await bench.startNotifier();
    await waitFor(async () => (await bench.rows()).every((r) => r.status === "failed"), "the row to fail");
    await bench.store.writeBatch(failures(2)); // may be sent any moment: counted as pending or failed
    bench.fake.mode = "hang";
    const first = await notifier.status();
    const second = await notifier.status();
    expect(first.telegram).toEqual({ status: "up" });
    expect(bench.fake.getMeCalls).toBe(1);
    expect(second.telegram).toEqual({ status: "up" });
    const outbox = first.outbox as { pending: number; failed: number; oldestPendingAgeSeconds: number | null };
    expect(outbox.pending + outbox.failed).toBe(3);
    expect(outbox.failed).toBeGreaterThanOrEqual(1);
    await bench.fake.stop(); // answers the hung sends, so that the notifier stops without waiting out their timeout
  });

  test("status: Telegram down when it cannot be reached, with an error that holds no token", async () => {
    await bench.fake.stop();
    const status = await (await bench.startNotifier()).status();
    expect(status.telegram.status).toBe("down");
    expect(status.telegram.error?.length ?? 0).toBeGreaterThan(0);
    expect(status.telegram.error).not.toContain(BOT_TOKEN);
  });

  test("without a token: logged once, nothing sent, status disabled", async () => {
    await bench.store.writeBatch(failures(1));
    const notifier = await bench.startNotifier({ token: undefined });
    expect(bench.logs.filter((l) => l.includes("notifications disabled: TELEGRAM_BOT_TOKEN is not set"))).toHaveLength(1);
    const status = await notifier.status();
    expect([status.telegram, "pending" in status.outbox && status.outbox.pending]).toEqual([{ status: "disabled" }, 1]);
    // A notifier with the token, started next, sends the row on the first attempt: the tokenless one never tried it
    // (an attempt, even one Telegram refused, is counted on the row) and made no request at all.
    await bench.startNotifier();
    const [row] = await bench.settle(1);
    expect([row?.status, row?.attempts]).toEqual(["sent", 1]);
    expect([bench.fake.requests, bench.fake.answered]).toEqual([1, ["ok"]]); // the one send; a disabled status() asks nothing
  });

  test("the token appears in no log line and no stored error, also when Telegram is unreachable", async () => {
    await bench.fake.stop();
    await bench.store.writeBatch([item({ ...success(uniqueId(), "RTOKEN0001"), phone: "254700000009" }), ...failures(1)]);
    const notifier = await bench.startNotifier({ tuning: { policy: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } } });
    await notifier.status();
    await bench.settle(2);
    const errors = await bench.db.sequelize.query<{ e: string | null }>("SELECT error_message AS e FROM notifications", { type: QueryTypes.SELECT });
    expect(errors.every((r) => (r.e ?? "").startsWith("gave up after 2 attempts"))).toBe(true);
    const everything = [...bench.logs, ...errors.map((r) => r.e ?? "")].join("\n");
    expect(bench.logs.some((l) => l.includes("Telegram is not answering"))).toBe(true);
    for (const secret of [BOT_TOKEN, encodeURIComponent(BOT_TOKEN), BOT_TOKEN.split(":")[1] ?? "?"]) expect(everything).not.toContain(secret);
  });
});
