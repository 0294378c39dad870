// `mpesa-cb <command>` as a child process (from source, with this Bun), output to a file or pipes, a clean environment.
import { closeSync, mkdtempSync, openSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");

export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The environment a test gives the program: PATH only, plus what the test sets (never the developer's settings). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "", ...extra };
}

export async function runCli(args: string[], o: { env?: Record<string, string>; prefix?: string[] } = {}): Promise<CliRun> {
  const proc = Bun.spawn([...(o.prefix ?? []), process.execPath, MAIN, ...args], { env: cleanEnv(o.env), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code: proc.exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode), stdout, stderr };
}

/** Stdout and stderr both into one file, as systemd connects them to one journal stream; JOURNAL_STREAM names it. */
export function spawnIntoJournalFile(args: string[], env: Record<string, string> = {}): { proc: Subprocess; text: () => string; stream: string } {
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-journal-"));
  const path = join(dir, "journal-stream");
  const fd = openSync(path, "w");
  const st = statSync(path);
  const stream = `${st.dev}:${st.ino}`;
  const proc = Bun.spawn([process.execPath, MAIN, ...args], { env: cleanEnv({ JOURNAL_STREAM: stream, ...env }), stdout: fd, stderr: fd });
  closeSync(fd);
  return { proc, stream, text: () => readFileSync(path, "utf8") };
}

/** The lines a person (or the journal) sees: every non-empty line. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}
