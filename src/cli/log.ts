// Log lines for a terminal, a file or journald: one line per line of text, never a blank one, no colour. When the
// stream is the journal (JOURNAL_STREAM names its device:inode, systemd.exec(5)) each line starts with its syslog
// priority, `<3>` to `<7>` (sd-daemon(3)), and no time: the journal stamps it.
import { fstatSync } from "node:fs";
import { formatWithOptions } from "node:util";
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola";
import { isAppError } from "../core/errors.ts";

export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

const LEVELS: Record<LogLevel, number> = { silent: -999, error: 0, warn: 1, info: 3, debug: 4 };

/** consola level → syslog priority: 0 error → err, 1 warn → warning, 2 log and 3 info → info, 4+ debug → debug. */
function priority(level: number): number {
  return level <= 0 ? 3 : level === 1 ? 4 : level <= 3 ? 6 : 7;
}

const TAG: Record<number, string> = { 3: "error", 4: "warning", 6: "info", 7: "debug" };

/** Whether `fd` is the stream systemd connected to the journal (a later redirect makes it another file). */
export function isJournalStream(fd: number, journalStream: string | undefined): boolean {
  if (!journalStream) return false;
  try {
    const st = fstatSync(fd, { bigint: true });
    return `${st.dev}:${st.ino}` === journalStream.trim();
  } catch {
    return false;
  }
}

/** An expected error is its message and what to do, on one line; anything else (a bug) keeps its stack. */
export function describeError(e: Error): string {
  if (isAppError(e)) {
    const lines = e.message.split("\n");
    if (!e.hint) return e.message;
    return lines.length === 1 ? `${e.message} — ${e.hint}` : `${e.message}\n${e.hint}`;
  }
  return e.stack ?? `${e.name}: ${e.message}`;
}

function formatArgs(args: unknown[]): string {
  return formatWithOptions({ colors: false, depth: 4 }, ...args.map((a) => (a instanceof Error ? describeError(a) : a)));
}

export interface LoggerOptions {
  env: Record<string, string | undefined>; // JOURNAL_STREAM
  timestamps?: boolean; // outside the journal, start lines with the time (a daemon's log); default true
}

function lineReporter(o: LoggerOptions): ConsolaReporter {
  const journal = { 1: isJournalStream(1, o.env.JOURNAL_STREAM), 2: isJournalStream(2, o.env.JOURNAL_STREAM) };
  return {
    log(logObj: LogObject) {
      const fd = logObj.level < 2 ? 2 : 1; // errors and warnings on stderr, the rest on stdout, as consola does
      const p = priority(logObj.level);
      // A command's plain output (`log`) stays plain outside the journal: it is a result, not an event.
      const head = journal[fd] ? `<${p}>` : logObj.type === "log" ? "" : `${o.timestamps === false ? "" : `${logObj.date.toISOString().slice(0, 19)}Z `}${TAG[p]}: `;
      const text = formatArgs(logObj.args).split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => head + l).join("\n");
      if (text !== "") (fd === 2 ? process.stderr : process.stdout).write(`${text}\n`);
    },
  };
}

export function createLogger(level: LogLevel, o: LoggerOptions): ConsolaInstance {
  return createConsola({ level: LEVELS[level], reporters: [lineReporter(o)] });
}
