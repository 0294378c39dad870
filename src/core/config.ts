// Settings: defaults, then environment, then flags; validated once with ajv, every problem reported at once.
import Ajv from "ajv";
import { join } from "node:path";
import type { Problem, Result } from "./result.ts";
import { parseDatabaseUrl, parseHostList, type DatabaseHost, type DatabaseTarget } from "./database-url.ts";
import type { Cidr } from "./auth/cidr.ts";
import { SAFARICOM_CALLBACK_IPS, type SourceMode } from "./auth/source-check.ts";
import { parseAuth, parseC2b, parseConfirm, parseReconcile, parseResults } from "./config-sections.ts";
import type { ValidationRules } from "./daraja/c2b/validation-rules.ts";

export interface ConfirmConfig {
  enabled: boolean;
  apiRoot: string;
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
  ratePerSecond: number;
  firstDelayMs: number;
  maxAttempts: number;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseTarget;
  logLevel: "silent" | "error" | "warn" | "info" | "debug";
  maxBodyBytes: number;
  batchMax: number;
  batchWindowMs: number;
  writers: number;
  dbPool: number;
  shutdownTimeoutMs: number;
  confirm: ConfirmConfig;
  auth: { callbackTokens: string[]; sourceIpMode: SourceMode; sourceIps: Cidr[]; trustedProxies: Cidr[]; rejectUnsolicited: boolean; metricsAllow: Cidr[] };
  telegram: { token: string | undefined; adminChatId: string | undefined; apiRoot: string; adminShowPhone: boolean };
  c2b: { rules: ValidationRules; timeoutMs: number; fallback: "accept" | "reject" };
  results: { lowBalanceCents: number | null }; // null: no low-balance alerts
  retentionDays: number | null; // null: no daily purge inside serve
  reconcile: { enabled: boolean; intervalMs: number; afterMs: number; maxAgeMs: number }; // src/core/reconcile/reconcile-settings.ts's ReconcileSettings
}

/** Every setting: its environment variable, its serve flag, its default. The README's table mirrors this. */
export const SETTINGS = {
  host: { env: "HOST", flag: "--host", default: "0.0.0.0", type: "string", describe: "address to listen on" },
  port: { env: "PORT", flag: "--port", default: 8000, type: "integer", minimum: 0, maximum: 65535, describe: "TCP port to listen on (0: any free port)" },
  dataDir: { env: "MPESA_CB_DATA_DIR", flag: "--data-dir", default: "./data", type: "string", describe: "directory for the SQLite file and the spool (systemd's STATE_DIRECTORY when unset)" },
  databaseUrl: { env: "DATABASE_URL", flag: "--db", default: undefined, type: "string", secret: true, describe: "sqlite:PATH or mysql://user:pass@host:port/db (else DB_* variables, else SQLite in the data dir)" },
  logLevel: { env: "MPESA_CB_LOG_LEVEL", flag: "--log-level", default: "info", type: "string", enum: ["silent", "error", "warn", "info", "debug"], describe: "silent, error, warn, info or debug" },
  maxBodyBytes: { env: "MPESA_CB_MAX_BODY_BYTES", flag: "--max-body-bytes", default: 65536, type: "integer", minimum: 1024, maximum: 16777216, describe: "largest callback body accepted (larger: 413)" },
  batchMax: { env: "MPESA_CB_BATCH_MAX", flag: "--batch-max", default: 256, type: "integer", minimum: 1, maximum: 5000, describe: "most callbacks written in one database transaction" },
  batchWindowMs: { env: "MPESA_CB_BATCH_WINDOW_MS", flag: "--batch-window-ms", default: 2, type: "number", minimum: 0, maximum: 50, describe: "how long an idle writer waits for more callbacks before committing" },
  writers: { env: "MPESA_CB_WRITERS", flag: "--writers", default: 3, type: "integer", minimum: 1, maximum: 32, describe: "MySQL transactions writing callbacks at once (SQLite always has one writer)" },
  shutdownTimeoutMs: { env: "MPESA_CB_SHUTDOWN_TIMEOUT_MS", flag: "--shutdown-timeout-ms", default: 20000, type: "integer", minimum: 100, maximum: 600000, describe: "on SIGTERM, how long requests in flight may take before the server stops anyway (systemd's TimeoutStopSec is longer)" },
  callbackTokens: { env: "MPESA_CB_CALLBACK_TOKENS", flag: "--callback-tokens", default: "", type: "string", secret: true, describe: "secret path tokens, comma-separated: callbacks then only at /mpesa/callback/<token> (several during a rotation)" },
  sourceIpMode: { env: "MPESA_CB_SOURCE_IP_MODE", flag: "--source-ip-mode", default: "report", type: "string", enum: ["off", "report", "enforce"], describe: "source address allowlist: off, report (accept and flag) or enforce (403)" },
  sourceIps: { env: "MPESA_CB_SOURCE_IPS", flag: "--source-ips", default: SAFARICOM_CALLBACK_IPS.join(","), type: "string", describe: "allowed callback sources, comma-separated addresses or CIDR ranges (default: Safaricom's published list)" },
  metricsAllow: { env: "MPESA_CB_METRICS_ALLOW", flag: "--metrics-allow", default: "", type: "string", example: "MPESA_CB_METRICS_ALLOW=10.0.0.5,10.1.0.0/24", describe: "who may read GET /metrics besides loopback: comma-separated addresses or CIDR ranges (the client behind a trusted proxy counts, not the proxy)" },
  trustedProxies: { env: "MPESA_CB_TRUSTED_PROXIES", flag: "--trusted-proxies", default: "127.0.0.1,::1", type: "string", describe: "reverse proxies whose X-Forwarded-For / X-Real-IP is believed, comma-separated addresses or CIDR ranges" },
  unsolicited: { env: "MPESA_CB_UNSOLICITED", flag: "--unsolicited", default: "flag", type: "string", enum: ["flag", "reject"], describe: "a success for a CheckoutRequestID with no payment_requests row: flag (accept, verdict unsolicited) or reject (403, kept in callback_logs)" },
  confirm: { env: "MPESA_CB_CONFIRM", flag: "--confirm", default: "off", type: "string", enum: ["off", "on"], describe: "confirm each success with Daraja's M-Pesa Express Query (needs the four MPESA_* credentials)" },
  mpesaConsumerKey: { env: "MPESA_CONSUMER_KEY", flag: "--mpesa-consumer-key", default: undefined, type: "string", secret: true, describe: "Daraja app consumer key (prefer the environment: flags show in ps)" },
  mpesaConsumerSecret: { env: "MPESA_CONSUMER_SECRET", flag: "--mpesa-consumer-secret", default: undefined, type: "string", secret: true, describe: "Daraja app consumer secret" },
  mpesaShortcode: { env: "MPESA_SHORTCODE", flag: "--mpesa-shortcode", default: undefined, type: "string", pattern: "^[0-9]{5,8}$", example: "MPESA_SHORTCODE=174379", describe: "the PayBill/Till shortcode of the STK pushes (BusinessShortCode)" },
  mpesaPasskey: { env: "MPESA_PASSKEY", flag: "--mpesa-passkey", default: undefined, type: "string", secret: true, describe: "Lipa Na M-Pesa Online passkey" },
  mpesaApiRoot: { env: "MPESA_API_ROOT", flag: "--mpesa-api-root", default: "https://api.safaricom.co.ke", type: "string", pattern: "^https?://", example: "MPESA_API_ROOT=https://sandbox.safaricom.co.ke", describe: "Daraja API root (the sandbox and test fakes set it)" },
  confirmRate: { env: "MPESA_CB_CONFIRM_RATE", flag: "--confirm-rate", default: 5, type: "number", minimum: 0.1, maximum: 100, describe: "Daraja queries per second, per process" },
  confirmFirstDelayMs: { env: "MPESA_CB_CONFIRM_FIRST_DELAY_MS", flag: "--confirm-first-delay-ms", default: 15000, type: "integer", minimum: 0, maximum: 600000, describe: "first query this long after the callback" },
  confirmMaxAttempts: { env: "MPESA_CB_CONFIRM_MAX_ATTEMPTS", flag: "--confirm-max-attempts", default: 10, type: "integer", minimum: 1, maximum: 100, describe: "queries without a final answer before the verdict is unverifiable" },
  reconcile: { env: "MPESA_CB_RECONCILE", flag: "--reconcile", default: "off", type: "string", enum: ["off", "on"], describe: "serve asks Daraja every MPESA_CB_RECONCILE_INTERVAL_S about payments whose callback never came and records the answers (needs the four MPESA_* credentials)" },
  reconcileIntervalS: { env: "MPESA_CB_RECONCILE_INTERVAL_S", flag: "--reconcile-interval-s", default: 300, type: "integer", minimum: 10, maximum: 86400, describe: "seconds between two reconciliation passes inside serve" },
  reconcileAfterS: { env: "MPESA_CB_RECONCILE_AFTER_S", flag: "--reconcile-after-s", default: 120, type: "integer", minimum: 0, maximum: 86400, describe: "a payment request younger than this many seconds still waits for its callback (serve and reconcile)" },
  reconcileMaxAgeS: { env: "MPESA_CB_RECONCILE_MAX_AGE_S", flag: "--reconcile-max-age-s", default: 259200, type: "integer", minimum: 3600, maximum: 7776000, describe: "a payment requested longer ago than this many seconds is no longer asked about: Daraja does not answer for it any more (serve and reconcile; reconcile --since overrides it)" },
  telegramBotToken: { env: "TELEGRAM_BOT_TOKEN", flag: "--telegram-bot-token", default: undefined, type: "string", secret: true, describe: "Telegram bot token (prefer the environment: flags show in ps); unset: notifications off" },
  adminChatId: { env: "ADMIN_CHAT_ID", flag: "--admin-chat-id", default: undefined, type: "string", pattern: "^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})$", example: "ADMIN_CHAT_ID=123456789 or -1001234567890 or @payments_channel", describe: "Telegram chat that gets the admin alerts (a numeric id, or @channel)" },
  telegramApiRoot: { env: "TELEGRAM_API_ROOT", flag: "--telegram-api-root", default: "https://api.telegram.org", type: "string", pattern: "^https?://", example: "TELEGRAM_API_ROOT=https://api.telegram.org", describe: "Bot API root (tests and air-gapped sites point it elsewhere)" },
  adminShowPhone: { env: "MPESA_CB_ADMIN_SHOW_PHONE", flag: "--admin-show-phone", default: false, type: "boolean", describe: "show full phone numbers in admin alerts (default: masked, 2547******49)" },
  c2bValidation: { env: "MPESA_CB_C2B_VALIDATION", flag: "--c2b-validation", default: "accept", type: "string", enum: ["accept", "rules"], describe: "answer to C2B validation requests: accept every one, or apply the MPESA_CB_C2B_* rules and MPESA_CB_SHORTCODES" },
  c2bAccountPattern: { env: "MPESA_CB_C2B_ACCOUNT_PATTERN", flag: "--c2b-account-pattern", default: undefined, type: "string", example: "MPESA_CB_C2B_ACCOUNT_PATTERN=INV-[0-9]{6}", describe: "rules: a regular expression the whole BillRefNumber must match (else C2B00012)" },
  c2bMinAmount: { env: "MPESA_CB_C2B_MIN_AMOUNT", flag: "--c2b-min-amount", default: undefined, type: "number", minimum: 0, maximum: 99999999, describe: "rules: the smallest payment accepted, in KES (else C2B00013)" },
  c2bMaxAmount: { env: "MPESA_CB_C2B_MAX_AMOUNT", flag: "--c2b-max-amount", default: undefined, type: "number", minimum: 0, maximum: 99999999, describe: "rules: the largest payment accepted, in KES (else C2B00013)" },
  c2bKnownAccounts: { env: "MPESA_CB_C2B_KNOWN_ACCOUNTS", flag: "--c2b-known-accounts", default: "off", type: "string", enum: ["off", "on"], describe: "rules: the BillRefNumber must be an account_number in the c2b_accounts table (else C2B00012)" },
  shortcodes: { env: "MPESA_CB_SHORTCODES", flag: "--shortcodes", default: "", type: "string", describe: "rules: the BusinessShortCodes accepted, comma-separated; empty: any (else C2B00015)" },
  c2bValidationTimeoutMs: { env: "MPESA_CB_C2B_VALIDATION_TIMEOUT_MS", flag: "--c2b-validation-timeout-ms", default: 3000, type: "integer", minimum: 100, maximum: 7000, describe: "a C2B validation is answered within this many ms (Daraja waits about 8 s)" },
  c2bValidationFallback: { env: "MPESA_CB_C2B_VALIDATION_FALLBACK", flag: "--c2b-validation-fallback", default: "accept", type: "string", enum: ["accept", "reject"], describe: "the answer when a rule needs the database and it does not answer in time" },
  lowBalanceKes: { env: "MPESA_CB_LOW_BALANCE_KES", flag: "--low-balance-kes", default: undefined, type: "number", minimum: 0, maximum: 99999999, example: "MPESA_CB_LOW_BALANCE_KES=20000", describe: "an admin alert when a B2C or balance result shows the utility or working account below this many KES, once per crossing; unset: off" },
  retentionDays: { env: "MPESA_CB_RETENTION_DAYS", flag: "--retention-days", default: undefined, type: "integer", minimum: 7, maximum: 36500, example: "MPESA_CB_RETENTION_DAYS=400", describe: "once a day inside serve, purge raw bodies and mask phone numbers and names in rows older than this many days (as mpesa-cb purge --older-than); unset: off" },
  dbPool: { env: "MPESA_CB_DB_POOL", flag: "--db-pool", default: 8, type: "integer", minimum: 2, maximum: 64, describe: "MySQL connection pool size (more than the writers: health checks need one)" },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Flags = Partial<Record<SettingName, string | number>>;
export type Env = Record<string, string | undefined>;

const properties = Object.fromEntries(
  Object.entries(SETTINGS).map(([name, s]) => {
    const { env: _env, flag: _flag, describe: _describe, example: _example, secret: _secret, ...schema } = s as typeof s & { example?: string; secret?: boolean };
    return [name, schema];
  }),
);
const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true });
const validateSettings = ajv.compile({ type: "object", properties, additionalProperties: false });

/** Pure: builds the configuration from an environment and command-line flags (flags win). */
export function parseConfig(env: Env, flags: Flags = {}): Result<Config> {
  const raw: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const value = flags[name] ?? nonEmpty(env[s.env]);
    if (value !== undefined) raw[name] = value;
  }
  // systemd's StateDirectory= exports STATE_DIRECTORY: use it when no data dir was given.
  if (raw.dataDir === undefined && nonEmpty(env.STATE_DIRECTORY)) raw.dataDir = env.STATE_DIRECTORY;
  const given = { ...raw }; // ajv coerces in place: the problems show what the operator wrote
  if (!validateSettings(raw)) {
    const names = [...new Set((validateSettings.errors ?? []).map((e) => e.instancePath.replace(/^\//, "")))];
    return { ok: false, problems: names.map((name) => settingProblem(name, given[name])) };
  }
  const s = raw as Record<SettingName, never>;
  const database = resolveDatabase(env, s.databaseUrl, s.dataDir);
  const auth = parseAuth(s);
  const confirm = parseConfirm(s);
  const c2b = parseC2b(s);
  const results = parseResults(s);
  const reconcile = parseReconcile(s);
  const failed = [database, auth, confirm, c2b, results, reconcile].flatMap((r) => (r.ok ? [] : r.problems));
  if (!database.ok || !auth.ok || !confirm.ok || !c2b.ok || !results.ok || !reconcile.ok) return { ok: false, problems: failed };
  return {
    ok: true,
    value: {
      host: s.host, port: s.port, dataDir: s.dataDir, database: database.value, logLevel: s.logLevel,
      maxBodyBytes: s.maxBodyBytes, batchMax: s.batchMax, batchWindowMs: s.batchWindowMs, writers: s.writers, dbPool: s.dbPool, shutdownTimeoutMs: s.shutdownTimeoutMs,
      auth: auth.value,
      confirm: confirm.value,
      telegram: { token: s.telegramBotToken, adminChatId: s.adminChatId, apiRoot: String(s.telegramApiRoot).replace(/\/+$/, ""), adminShowPhone: s.adminShowPhone },
      c2b: c2b.value,
      results: results.value,
      retentionDays: s.retentionDays ?? null,
      reconcile: reconcile.value,
    },
  };
}

/** DATABASE_URL wins; else the original server's DB_* variables mean MySQL; else SQLite in the data dir. */
function resolveDatabase(env: Env, url: string | undefined, dataDir: string): Result<DatabaseTarget> {
  if (url !== undefined) return parseDatabaseUrl(url, "DATABASE_URL (--db)");
  const dbVars = ["DB_HOST", "DB_USER", "DB_PASSWORD", "DB_NAME", "DB_PORT"].filter((k) => nonEmpty(env[k]));
  if (dbVars.length === 0) return { ok: true, value: { dialect: "sqlite", path: join(dataDir, "mpesa-cb.sqlite") } };
  const problems: Problem[] = [];
  if (!nonEmpty(env.DB_NAME)) problems.push({ path: "DB_NAME", message: `is required when ${dbVars.join(", ")} is set (the MySQL database name, e.g. DB_NAME=mpesa)` });
  const port = Number(env.DB_PORT ?? 3306);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push({ path: "DB_PORT", message: `must be a TCP port number, got "${env.DB_PORT}"` });
  // A cluster: DB_HOST lists its nodes, `db1,db2:3307` (DB_PORT for those without a port), as DATABASE_URL does.
  const hosts = parseHostList(env.DB_HOST || "127.0.0.1", port);
  if (hosts === null) problems.push({ path: "DB_HOST", message: `must be a host or a comma-separated list of host[:port], e.g. DB_HOST=db1,db2:3307, got "${env.DB_HOST}"` });
  if (problems.length > 0 || hosts === null) return { ok: false, problems };
  const [first] = hosts as [DatabaseHost, ...DatabaseHost[]];
  return {
    ok: true,
    value: {
      dialect: "mysql", host: first.host, port: first.port,
      user: env.DB_USER || "root", password: env.DB_PASSWORD ?? "", database: env.DB_NAME ?? "",
      ...(hosts.length > 1 ? { hosts } : {}),
    },
  };
}

type Setting = (typeof SETTINGS)[SettingName] & { example?: string; minimum?: number; maximum?: number; enum?: readonly string[]; pattern?: string; secret?: boolean };

/** One problem per setting: what was given (unless it is a secret) and what is allowed. */
function settingProblem(name: string, value: unknown): Problem {
  const s = SETTINGS[name as SettingName] as Setting | undefined;
  if (s === undefined) return { path: name || "settings", message: "is not a setting" };
  const got = s.secret ? "" : `, got ${JSON.stringify(String(value))}`;
  return { path: `${s.env} (${s.flag})`, message: `${allowed(s)}${got}${s.example ? `, e.g. ${s.example}` : ""}` };
}

function allowed(s: Setting): string {
  const range = s.minimum !== undefined && s.maximum !== undefined ? ` from ${s.minimum} to ${s.maximum}` : "";
  if (s.enum) return `must be one of ${s.enum.join(", ")}`;
  if (s.type === "integer") return `must be a whole number${range}`;
  if (s.type === "number") return `must be a number${range}`;
  if (s.type === "boolean") return "must be true or false";
  return "is not valid";
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v;
}
