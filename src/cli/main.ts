#!/usr/bin/env bun
// Entry point: wires the commands and is the only caller of process.exit.
import { Command, CommanderError } from "commander";
import { consola } from "consola";
import { EXIT_CODES, EXIT_INTERNAL, isAppError } from "../core/errors.ts";
import { registerServe } from "./serve.ts";
import { registerMigrate } from "./migrate.ts";
import { registerSimulate } from "./simulate.ts";
import { registerHealth } from "./health.ts";
import { VERSION_LINE } from "./version.ts";

export function buildProgram(): Command {
  const program = new Command("mpesa-cb")
    .description("M-Pesa (Daraja) callback server: receives callbacks, stores them durably, acknowledges them")
    .version(VERSION_LINE, "-V, --version")
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerSimulate(program);
  registerHealth(program);
  for (const cmd of program.commands) cmd.version(VERSION_LINE, "-V, --version").exitOverride();
  return program;
}

export async function runMain(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_CODES.usage;
    if (isAppError(e)) {
      consola.error(e.message + (e.hint ? `\n  → ${e.hint}` : ""));
      return EXIT_CODES[e.kind];
    }
    consola.error("unexpected failure (a bug; please report it):", e);
    return EXIT_INTERNAL;
  }
}

if (import.meta.main) {
  process.exit(await runMain(process.argv.slice(2)));
}
