// Secrets and personal data stay out of logs: a serve process at debug level, with a database password, a path
// token, a Telegram token and Daraja credentials configured, takes good, bad and hostile callbacks; the confirmer
// really queries a fake Daraja (our payment requests exist, so it has something to confirm) and Telegram refuses
// every send. Once each of those has happened, the whole output is searched.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminConnection, createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases.ts";
import { startServeProcess } from "../support/serve-process.ts";
import { failureBody, successBody, uniqueId } from "../support/callbacks.ts";
import { FakeDaraja } from "../support/fake-daraja.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { readVerdict } from "../support/confirm-db.ts";
import { waitFor } from "../support/wait-for.ts";
import { openDatabase } from "../../src/core/store/database.ts";
import { migrate } from "../../src/core/store/migrations.ts";

const PASSWORD = "Pw-never-in-logs-7f3a";
const PATH_TOKEN = "path-token-never-in-logs-0123";
const BOT_TOKEN = "123456:bot-token-never-in-logs";
const PHONE = "254712345678";
const CREDS = { consumerKey: "consumer-key-never-in-logs", consumerSecret: "consumer-secret-never-in-logs" };
const DARAJA = { MPESA_CONSUMER_KEY: CREDS.consumerKey, MPESA_CONSUMER_SECRET: CREDS.consumerSecret, MPESA_PASSKEY: "passkey-never-in-logs" };
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
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
  const daraja = FakeDaraja.start(CREDS);
  const telegram = FakeTelegram.start(BOT_TOKEN);
  const telegramRoot = telegram.apiRoot;
  await telegram.stop(); // nothing listens there: every send is refused, and its error (with the URL) is logged
  cleanups.push(() => daraja.stop());

  const dbUrl = `mysql://${user}:${PASSWORD}@${tdb.target.host}:${tdb.target.port}/${tdb.target.database}`;
  const db = await openDatabase({ ...tdb.target, user, password: PASSWORD });
  cleanups.push(() => db.close());
  await migrate(db);
  // Our STK pushes: the confirmer queries Daraja only for a success that matches one of them.
  const id = uniqueId();
  const other = uniqueId();
  for (const checkout of [id, other]) {
    await db.sequelize.query("INSERT INTO payment_requests (checkout_request_id, phone_number, amount) VALUES (?, ?, 1500.00)", { replacements: [checkout, PHONE] });
  }
  daraja.script(id, "success"); // verified: an info line
  daraja.script(other, "cancelled"); // Daraja disagrees with the callback: a warning with Daraja's words

  const serve = await startServeProcess({
    dbUrl, dataDir, port: 0,
    env: {
      MPESA_CB_LOG_LEVEL: "debug", MPESA_CB_CALLBACK_TOKENS: PATH_TOKEN, TELEGRAM_BOT_TOKEN: BOT_TOKEN, ADMIN_CHAT_ID: "42",
      TELEGRAM_API_ROOT: telegramRoot,
      MPESA_CB_CONFIRM: "on", MPESA_API_ROOT: daraja.apiRoot, MPESA_SHORTCODE: "174379", MPESA_CB_CONFIRM_FIRST_DELAY_MS: "0", ...DARAJA,
    },
  });
  cleanups.unshift(async () => void serve.proc.kill("SIGKILL")); // only if the test failed before stopping it
  const post = (path: string, body: string) => fetch(`${serve.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const good = successBody(id, `S${id.slice(-9)}`).replace("254700000001", PHONE);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good)).status).toBe(200);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good)).status).toBe(200); // duplicate
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, successBody(other, `T${other.slice(-9)}`).replace("254700000001", PHONE))).status).toBe(200);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, failureBody(id))).status).toBe(200); // conflict: logged as a warning
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good.replace('"ResultCode":0', '"ResultCode":null'))).status).toBe(400);
  expect((await post(`/mpesa/callback/${PATH_TOKEN}`, good.replace(PHONE, `"${PHONE}x"`))).status).toBe(200); // a bad phone value
  expect((await post(`/mpesa/callback/${PATH_TOKEN.slice(0, -1)}`, good)).status).toBe(404);
  expect((await post("/mpesa/callback", good)).status).toBe(404);

  // The confirmer really asked Daraja (OAuth, then the query with the password) and recorded both verdicts…
  await waitFor(async () => (await readVerdict(db, id)).verdict === "verified" && (await readVerdict(db, other)).verdict === "mismatch",
    { what: "Daraja's verdicts on both payments", timeoutMs: 45_000 });
  expect(daraja.oauthCalls).toBeGreaterThanOrEqual(1);
  expect(daraja.queriesFor(id).length).toBeGreaterThanOrEqual(1);
  expect(daraja.queriesFor(other).length).toBeGreaterThanOrEqual(1);
  // …and the outbox worker tried Telegram and logged that it is not answering.
  await waitFor(() => serve.output().includes("Telegram is not answering"), { what: "the refused Telegram send to be logged", timeoutMs: 45_000 });
  await waitFor(() => serve.output().includes(`confirmation:`) && serve.output().includes("no receipt sent"), { what: "the confirmer's log lines", timeoutMs: 15_000 });
  serve.proc.kill("SIGTERM");
  expect(await serve.proc.exited).toBe(0);

  const log = serve.output();
  expect(log).toContain("listening on"); // the log really was captured
  expect(log).toContain("mysql://" + user + ":***@");
  const issued = [...daraja.issuedTokens, ...daraja.queries.map((q) => q.authorization.slice("Bearer ".length))];
  const passwords = daraja.queries.map((q) => String(q.body.Password));
  expect(issued.length).toBeGreaterThan(0);
  expect(passwords.every((p) => p.length > 20)).toBe(true);
  const basic = Buffer.from(`${CREDS.consumerKey}:${CREDS.consumerSecret}`).toString("base64");
  for (const secret of [PASSWORD, PATH_TOKEN, PATH_TOKEN.slice(0, -1), BOT_TOKEN, BOT_TOKEN.split(":")[1] as string, PHONE, PHONE.slice(3), ...Object.values(DARAJA), basic, ...issued, ...passwords]) {
    expect(log).not.toContain(secret); // …without a secret or a phone number
  }
}, 120_000);
