// Secrets and personal data stay out of logs: a serve process at debug level, with a database password, a path
// token and a Telegram token configured, takes good, bad and hostile callbacks; its whole output is then searched.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases.ts";
import { freePort, startServeProcess } from "../support/serve-process.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";
import { openDatabase } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";

const PASSWORD = "Pw-never-in-logs-7f3a";
const PATH_TOKEN = "path-token-never-in-logs-0123";
const BOT_TOKEN = "123456:bot-token-never-in-logs";
const PHONE = "254712345678";
const DARAJA = { MPESA_CONSUMER_KEY: "consumer-key-never-in-logs", MPESA_CONSUMER_SECRET: "consumer-secret-never-in-logs", MPESA_PASSKEY: "passkey-never-in-logs" };
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

test.skipIf(!(await mysqlAvailable()))("a full run's log holds no password, token or unmasked phone number", async () => {
  const tdb: TestDatabase = await createTestDatabase("mysql");
  const dataDir = mkdtempSync(join(tmpdir(), "mpesa-cb-logscan-"));
  if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
  const user = `cb_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await adminConnection();
  await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON \`${tdb.target.database}\`.* TO '${user}'@'%'`);
  cleanups.push(async () => {
    await admin.query(`DROP USER '${user}'@'%'`);
    await admin.end();
    await tdb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const dbUrl = `mysql://${user}:${PASSWORD}@${tdb.target.host}:${tdb.target.port}/${tdb.target.database}`;
  const db = await openDatabase({ ...tdb.target, user, password: PASSWORD });
  await migrate(db);
  await db.close();

  const serve = await startServeProcess({
    dbUrl, dataDir, port: freePort(),
    env: {
      MPESA_CB_LOG_LEVEL: "debug", MPESA_CB_CALLBACK_TOKENS: PATH_TOKEN, TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: "42",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9", // nothing listens: every send fails, and its error is logged
      MPESA_CB_CONFIRM: "on", MPESA_API_ROOT: "http://127.0.0.1:9", MPESA_SHORTCODE: "174379", MPESA_CB_CONFIRM_FIRST_DELAY_MS: "0", ...DARAJA,
    },
  });
  const post = (path: string, body: string) => fetch(`${serve.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const id = uniqueId();
  const good = successBody(id, `S${id.slice(-9)}`).replace("254700000001", PHONE);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good)).status).toBe(200);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good)).status).toBe(200); // duplicate
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, failureBody(id))).status).toBe(200); // conflict: logged as a warning
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good.replace('"ResultCode":0', '"ResultCode":null'))).status).toBe(400);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good.replace(PHONE, `"${PHONE}x"`))).status).toBe(200); // a bad phone value
  expect((await post(`/mpesa/callback/${PATH_TOKEN.slice(0, -1)}`, good)).status).toBe(404);
  expect((await post("/mpesa/callback", good)).status).toBe(404);
  await Bun.sleep(1_500); // the outbox worker and the confirmer try (and fail) at least once
  serve.proc.kill("SIGTERM");
  expect(await serve.proc.exited).toBe(0);

  const log = serve.output();
  expect(log).toContain("listening on"); // the log really was captured
  expect(log).toContain("mysql://" + user + ":***@");
  expect(log).toMatch(/telegram|Telegram/); // the failing sends were logged…
  for (const secret of [PASSWORD, PATH_TOKEN, PATH_TOKEN.slice(0, -1), BOT_TOKEN, BOT_TOKEN.split(":")[1] as string, PHONE, PHONE.slice(3), ...Object.values(DARAJA)]) {
    expect(log).not.toContain(secret); // …without a secret or a phone number
  }
}, 60_000);
