// Turns the settings table into commander options, and a command's parsed options (with --env-file) into a Config.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { ConsolaInstance } from "consola";
import { parseConfig, SETTINGS, type Config, type Env, type Flags } from "../core/config.ts";
import { AppError } from "../core/errors.ts";
import { parseEnvFile } from "./env-file.ts";
import { createLogger as createLineLogger } from "./log.ts";

type SettingName = keyof typeof SETTINGS;

/** `--env-file PATH` on a command (once, however often it is asked for). */
export function addEnvFileOption(cmd: Command): Command {
  if (cmd.options.some((o) => o.long === "--env-file")) return cmd;
  return cmd.option("--env-file <path>", "read settings from this file first, as systemd's EnvironmentFile= reads it (its values win over the environment; flags win over both)");
}

export function addSettingOptions(cmd: Command, names: readonly SettingName[]): Command {
  addEnvFileOption(cmd);
  for (const name of names) {
    const s = SETTINGS[name];
    cmd.option(`${s.flag} <value>`, `${s.describe} [env ${s.env}${s.default === undefined ? "" : `, default ${s.default}`}]`);
  }
  return cmd;
}

/**
 * The environment a command runs with: the process's, then the --env-file's values over it. The file wins, as in
 * systemd, where EnvironmentFile= overrides Environment= and a later assignment wins; a one-off change is a flag.
 */
export function loadEnv(opts: object, env: Env): Env {
  const path = (opts as { envFile?: unknown }).envFile; // commander's name for --env-file
  if (typeof path !== "string") return env;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const why = (e as { code?: string }).code === "ENOENT" ? "no such file" : e instanceof Error ? e.message : String(e);
    throw new AppError("config", `cannot read the settings file ${path}: ${why}`, { hint: "check --env-file (installed as /etc/mpesa-cb/mpesa-cb.env; run as root, it is mode 0600)" });
  }
  const parsed = parseEnvFile(text);
  if (!parsed.ok) {
    throw new AppError("config", parsed.problems.map((p) => `settings file ${path} ${p.path}: ${p.message}`).join("\n"), { hint: "fix the file (see packaging/mpesa-cb.env.example)" });
  }
  return { ...env, ...parsed.value };
}

/** Reads the environment (and --env-file) once, here, and fails with one line per problem. */
export function loadConfig(env: Env, opts: Record<string, unknown>): Config {
  const merged = loadEnv(opts, env);
  const flags: Flags = {};
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const key = s.flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()); // commander's camelCase
    const value = opts[key];
    if (typeof value === "string") flags[name] = value;
  }
  const result = parseConfig(merged, flags);
  if (!result.ok) {
    const lines = result.problems.map((p) => `invalid setting ${p.path}: ${p.message}`).join("\n");
    throw new AppError("config", lines, { hint: "fix these settings (mpesa-cb <command> --help, and the README's Configuration table)" });
  }
  return result.value;
}

/** The logger of a command: one line per event, journald priorities when its output is the journal. */
export function createLogger(level: Config["logLevel"], env: Env = process.env): ConsolaInstance {
  return createLineLogger(level, { env });
}
