// README: "a success after a cancel/timeout becomes the state with superseded_status recorded" — also when both
// callbacks went through the spool (the database was away when they came). The replay must give the outcome they
// would have had live: the success is a late success, the cancel is kept as superseded_status, and the conflict
// alert is queued and reaches Telegram (the fake Bot API).
// On MariaDB the outage is real (a proxy between serve and the database is cut); on both dialects, the spool a
// crash during an outage leaves behind is replayed when serve starts again.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryTypes } from "sequelize";
import { createTestDatabase, mysqlAvailable, testDialects, type TestDatabase } from "../support/databases.ts";
import { postCallback, startTestService } from "../support/service.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";
import type { Service } from "../../src/server/service.ts";
import { Spool } from "../../src/core/spool/spool.ts";

const BOT_TOKEN = "777:spool-late-success";
const ADMIN = "-100777";
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function telegramEnv(fake: FakeTelegram): Record<string, string> {
  return { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: ADMIN, TELEGRAM_API_ROOT: fake.apiRoot };
}

async function spoolDepth(service: Service): Promise<number> {
  return ((await fetch(`${service.url}/health`).then((r) => r.json())) as { spool: { depth: number } }).spool.depth;
}

/** What the replay must have made of a cancel followed by a success for `id`. */
async function expectLateSuccess(service: Service, fake: FakeTelegram, id: string): Promise<void> {
  const [row] = await service.db.sequelize.query<Record<string, unknown>>(
    "SELECT status, superseded_status, conflict_count, mpesa_receipt_number FROM transactions WHERE checkout_request_id = ?", { replacements: [id], type: QueryTypes.SELECT });
  expect([row?.status, row?.superseded_status, Number(row?.conflict_count), row?.mpesa_receipt_number]).toEqual(["Success", "Cancelled", 1, `L${id.slice(-9)}`]);
  const logs = await service.db.sequelize.query<{ outcome: string }>(
    "SELECT outcome FROM callback_logs WHERE checkout_request_id = ? ORDER BY id", { replacements: [id], type: QueryTypes.SELECT });
  expect(logs.map((l) => l.outcome)).toEqual(["new", "late-success"]);
  const kinds = await service.db.sequelize.query<{ kind: string }>(
    "SELECT n.notification_type AS kind FROM notifications n JOIN transactions t ON t.id = n.transaction_id WHERE t.checkout_request_id = ? ORDER BY n.id",
    { replacements: [id], type: QueryTypes.SELECT });
  expect(kinds.map((k) => k.kind)).toContain("conflict");
  await waitFor(() => fake.deliveredTo(ADMIN).some((d) => d.text.includes("Late success") && d.text.includes(id)),
    { what: `the late-success alert for ${id} at the fake Bot API`, timeoutMs: 30_000 });
  const alert = fake.deliveredTo(ADMIN).find((d) => d.text.includes("Late success") && d.text.includes(id));
  expect(alert?.text).toContain("money arrived after the payment was recorded as Cancelled");
}

describe.each(await testDialects())("a cancel then a success, both spooled, on %s", (dialect) => {
  test("left in the spool by a crash: replayed at start as a late success with its conflict alert", async () => {
    const tdb: TestDatabase = await createTestDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-spool-late-"));
    const fake = FakeTelegram.start(BOT_TOKEN);
    cleanups.push(async () => {
      await fake.stop();
      await tdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const id = uniqueId("ws_CO_SPL");
    // What the server spools for two callbacks that came while the database was away: their raw requests, in order.
    const spooled = (rawBody: string) => ({ id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "127.0.0.1", route: "/mpesa/callback", rawBody });
    await new Spool(join(dataDir, "spool")).append([spooled(failureBody(id)), spooled(successBody(id, `L${id.slice(-9)}`))]);

    const service = await startTestService(tdb, { MPESA_CB_DATA_DIR: dataDir, ...telegramEnv(fake) });
    cleanups.push(() => service.stop());
    await waitFor(async () => (await spoolDepth(service)) === 0, { what: "the spool to drain", timeoutMs: 30_000 });
    await expectLateSuccess(service, fake, id);
  }, 60_000);
});

describe.skipIf(!(await mysqlAvailable()))("a cancel then a success during a real outage on mysql", () => {
  test("both answered 200 while MariaDB is cut, replayed when it is back as a late success with its conflict alert", async () => {
    const tdb = await createTestDatabase("mysql");
    if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
    const proxy = startTcpProxy(tdb.target.host, tdb.target.port);
    const fake = FakeTelegram.start(BOT_TOKEN);
    const service = await startTestService({ ...tdb, url: tdb.url.replace(`:${tdb.target.port}/`, `:${proxy.port}/`) }, telegramEnv(fake));
    cleanups.push(async () => {
      await service.stop();
      proxy.stop();
      await fake.stop();
      await tdb.drop();
    });
    const id = uniqueId("ws_CO_OUTL");
    proxy.cut();
    const cancel = await postCallback(service, failureBody(id));
    const late = await postCallback(service, successBody(id, `L${id.slice(-9)}`));
    expect([cancel.status, late.status]).toEqual([200, 200]);
    expect(await spoolDepth(service)).toBe(2); // both really went to the spool
    proxy.restore();
    await waitFor(async () => (await spoolDepth(service)) === 0, { what: "the spool to drain once MariaDB is back", timeoutMs: 45_000 });
    await expectLateSuccess(service, fake, id);
  }, 90_000);
});
