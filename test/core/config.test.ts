import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/core/config.ts";
import { describeDatabase, parseDatabaseUrl } from "../../src/core/database-url.ts";

describe("parseConfig", () => {
  test("with nothing configured: port 8000, SQLite in ./data", () => {
    const r = parseConfig({});
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.value.port).toBe(8000);
    expect(r.value.database).toEqual({ dialect: "sqlite", path: "data/mpesa-cb.sqlite" });
  });

  test("systemd's STATE_DIRECTORY is the data directory when none is given", () => {
    const r = parseConfig({ STATE_DIRECTORY: "/var/lib/mpesa-cb" });
    expect(r.ok && r.value.database).toEqual({ dialect: "sqlite", path: "/var/lib/mpesa-cb/mpesa-cb.sqlite" });
  });

  test("the original server's DB_* variables mean MySQL", () => {
    const r = parseConfig({ DB_HOST: "db.local", DB_USER: "mpesa", DB_PASSWORD: "s3cret", DB_NAME: "payments" });
    expect(r.ok && r.value.database).toEqual({ dialect: "mysql", host: "db.local", port: 3306, user: "mpesa", password: "s3cret", database: "payments" });
  });

  test("DB_HOST may list a cluster's nodes, DB_PORT for those without a port", () => {
    const r = parseConfig({ DB_HOST: "db1,db2:3307", DB_PORT: "3310", DB_NAME: "payments" });
    expect(r.ok && r.value.database).toEqual({
      dialect: "mysql", host: "db1", port: 3310, user: "root", password: "", database: "payments",
      hosts: [{ host: "db1", port: 3310 }, { host: "db2", port: 3307 }],
    });
    const bad = parseConfig({ DB_HOST: "db1,,db2:x", DB_NAME: "payments" });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(["DB_HOST"]);
  });

  test("DATABASE_URL wins over DB_*, and --db wins over DATABASE_URL", () => {
    const env = { DB_HOST: "x", DB_NAME: "y", DATABASE_URL: "sqlite:/tmp/a.sqlite" };
    expect(parseConfig(env).ok && (parseConfig(env) as { value: { database: unknown } }).value.database).toEqual({ dialect: "sqlite", path: "/tmp/a.sqlite" });
    const r = parseConfig(env, { databaseUrl: "mysql://u:p@h:3307/d" });
    expect(r.ok && r.value.database).toEqual({ dialect: "mysql", host: "h", port: 3307, user: "u", password: "p", database: "d" });
  });

  test("flags win over the environment, strings are coerced", () => {
    const r = parseConfig({ PORT: "9000" }, { port: "9100", batchMax: "64" });
    expect(r.ok && [r.value.port, r.value.batchMax]).toEqual([9100, 64]);
  });

  test.each([
    [{ PORT: "eighty" }, "PORT (--port)", 'must be a whole number from 0 to 65535, got "eighty"'],
    [{ PORT: "70000" }, "PORT (--port)", 'must be a whole number from 0 to 65535, got "70000"'],
    [{ PORT: "80.5" }, "PORT (--port)", 'must be a whole number from 0 to 65535, got "80.5"'],
    [{ MPESA_CB_BATCH_MAX: "0" }, "MPESA_CB_BATCH_MAX (--batch-max)", 'must be a whole number from 1 to 5000, got "0"'],
    [{ MPESA_CB_BATCH_WINDOW_MS: "soon" }, "MPESA_CB_BATCH_WINDOW_MS (--batch-window-ms)", 'must be a number from 0 to 50, got "soon"'],
    [{ MPESA_CB_LOG_LEVEL: "loud" }, "MPESA_CB_LOG_LEVEL (--log-level)", 'must be one of silent, error, warn, info, debug, got "loud"'],
    [{ MPESA_CB_SOURCE_IP_MODE: "strict" }, "MPESA_CB_SOURCE_IP_MODE (--source-ip-mode)", 'must be one of off, report, enforce, got "strict"'],
    [{ DATABASE_URL: "postgres://x/y" }, "DATABASE_URL (--db)", "has scheme \"postgres:\", expected mysql:// or sqlite:"],
    [{ DATABASE_URL: "mysql://h:3306/" }, "DATABASE_URL (--db)", "names no database after the host"],
    [{ DB_HOST: "h" }, "DB_NAME", "is required when DB_HOST is set"],
    [{ ADMIN_CHAT_ID: "my admin" }, "ADMIN_CHAT_ID (--admin-chat-id)", 'is not valid, got "my admin", e.g. ADMIN_CHAT_ID=123456789'],
    [{ TELEGRAM_API_ROOT: "api.telegram.org" }, "TELEGRAM_API_ROOT (--telegram-api-root)", 'is not valid, got "api.telegram.org", e.g. TELEGRAM_API_ROOT=https://'],
    [{ MPESA_CB_ADMIN_SHOW_PHONE: "yes" }, "MPESA_CB_ADMIN_SHOW_PHONE (--admin-show-phone)", 'must be true or false, got "yes"'],
  ])("rejects %j with a problem on %s", (env, path, message) => {
    const r = parseConfig(env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.find((p) => p.path === path)?.message).toContain(message);
  });

  test("Telegram settings under the original server's names; notifications off without a token", () => {
    const off = parseConfig({});
    expect(off.ok && off.value.telegram).toEqual({ token: undefined, adminChatId: undefined, apiRoot: "https://api.telegram.org", adminShowPhone: false });
    const on = parseConfig({ TELEGRAM_BOT_TOKEN: "123:abc", ADMIN_CHAT_ID: "-1001234", TELEGRAM_API_ROOT: "http://127.0.0.1:9/", MPESA_CB_ADMIN_SHOW_PHONE: "true" });
    expect(on.ok && on.value.telegram).toEqual({ token: "123:abc", adminChatId: "-1001234", apiRoot: "http://127.0.0.1:9", adminShowPhone: true });
  });

  test("a secret's value never shows in a problem", () => {
    const r = parseConfig({ MPESA_CB_CALLBACK_TOKENS: "short-secret" });
    const text = JSON.stringify(r.ok ? [] : r.problems);
    expect(text).toContain("MPESA_CB_CALLBACK_TOKENS (--callback-tokens)");
    expect(text).not.toContain("short-secret");
  });

  test("reports every bad setting at once", () => {
    const r = parseConfig({ PORT: "x", MPESA_CB_BATCH_MAX: "0", MPESA_CB_LOG_LEVEL: "loud" });
    expect(r.ok ? [] : r.problems.map((p) => p.path).sort()).toEqual([
      "MPESA_CB_BATCH_MAX (--batch-max)", "MPESA_CB_LOG_LEVEL (--log-level)", "PORT (--port)",
    ]);
  });
});

describe("database URLs", () => {
  test("a password never shows in the description", () => {
    const r = parseDatabaseUrl("mysql://app:hunter2@db:3306/pay", "X");
    expect(r.ok && describeDatabase(r.value)).toBe("mysql://app:***@db:3306/pay");
  });

  test("percent-encoded credentials are decoded", () => {
    const r = parseDatabaseUrl("mysql://a%40b:p%3Aw@db/pay", "X");
    expect(r.ok && r.value.dialect === "mysql" && [r.value.user, r.value.password]).toEqual(["a@b", "p:w"]);
  });
});
