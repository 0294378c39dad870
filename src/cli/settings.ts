// Turns the settings table into commander options, and a command's parsed options back into a Config.
import type { Command } from "commander";
import { createConsola, type ConsolaInstance } from "consola";
import { parseConfig, SETTINGS, type Config, type Env, type Flags } from "../core/config.ts";
import { AppError } from "../core/errors.ts";

type SettingName = keyof typeof SETTINGS;

export function addSettingOptions(cmd: Command, names: readonly SettingName[]): Command {
  for (const name of names) {
    const s = SETTINGS[name];
    cmd.option(`${s.flag} <value>`, `${s.describe} [env ${s.env}${s.default === undefined ? "" : `, default ${s.default}`}]`);
  }
  return cmd;
}

/** Reads the environment once, here, and fails with one line per problem. */
export function loadConfig(env: Env, opts: Record<string, unknown>): Config {
  const flags: Flags = {};
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const key = s.flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()); // commander's camelCase
    const value = opts[key];
    if (typeof value === "string") flags[name] = value;
  }
  const result = parseConfig(env, flags);
  if (!result.ok) {
    const lines = result.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n");
    throw new AppError("config", `invalid configuration:\n${lines}`, { hint: "fix these settings (see `mpesa-cb serve --help` and the README)" });
  }
  return result.value;
}

const LEVELS = { silent: -999, error: 0, warn: 1, info: 3, debug: 4 } as const;

export function createLogger(level: Config["logLevel"]): ConsolaInstance {
  return createConsola({ level: LEVELS[level], formatOptions: { date: true } });
}
