// A command run in this process, through its own commander program (as main.ts would register it): exit code and stdout.
import { Command } from "commander";

/** Runs `<args>` in this process; returns the exit code and what it printed on stdout. */
export async function runCommand(register: (p: Command) => void, args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command("mpesa-cb").exitOverride();
  register(program);
  let out = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    process.stdout.write = write;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out };
}

