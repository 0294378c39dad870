#!/usr/bin/env bun
// Entry point: wires the commands and is the only caller of process.exit.
import { Command, CommanderError, Option } from "commander";
import { EXIT_CODES, EXIT_INTERNAL, isAppError } from "../core/errors.ts";
import { createLogger } from "./log.ts";
import { registerServe } from "./serve.ts";
import { registerMigrate } from "./migrate.ts";
import { registerSimulate } from "./simulate.ts";
import { registerHealth } from "./health.ts";
import { registerReconcile } from "./reconcile.ts";
import { registerReplay } from "./replay.ts";
import { registerPurge } from "./purge.ts";
import { VERSION_LINE } from "./version.ts";

export function buildProgram(): Command {
  const program = new Command("mpesa-cb")
    .description("M-Pesa (Daraja) callback server: receives callbacks, stores them durably, acknowledges them");
  registerServe(program);
  registerMigrate(program);
  registerSimulate(program);
  registerHealth(program);
  registerReconcile(program);
  registerReplay(program);
  registerPurge(program);
  for (const cmd of [program, ...program.commands]) addVersion(cmd);
  return program;
}

/** `-V`, `--version` and `-v` (hidden; commander takes one short flag per option) print the version and exit 0. */
function addVersion(cmd: Command): void {
  cmd.version(VERSION_LINE, "-V, --version").exitOverride();
  cmd.addOption(new Option("-v", "output the version number").hideHelp());
  cmd.on("option:v", () => {
    process.stdout.write(`${VERSION_LINE}\n`);
    throw new CommanderError(0, "commander.version", VERSION_LINE);
  });
}

export async function runMain(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_CODES.usage;
    // Before any setting is read: errors only, plain lines (or journal lines), no time (the program is stopping).
    const log = createLogger("error", { env: process.env, timestamps: false });
    if (isAppError(e)) {
      log.error(e);
      return EXIT_CODES[e.kind];
    }
    log.error("unexpected failure (a bug; please report it):", e);
    return EXIT_INTERNAL;
  }
}

if (import.meta.main) {
  process.exit(await runMain(process.argv.slice(2)));
}
