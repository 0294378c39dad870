// One error type for expected failures; one table maps its kind to an exit code, one to an HTTP status.

export type ErrorKind =
  | "config" // a setting is wrong: fix the environment, the settings file or flags
  | "host" // this machine refuses what the settings ask (port taken, address not here, directory not writable)
  | "usage" // a command was called wrongly
  | "schema" // the database schema is missing or behind: run `mpesa-cb migrate`
  | "database" // the database cannot be reached or refused the work
  | "unavailable" // a remote service (server, Telegram) cannot be reached
  | "check-failed"; // a check (simulate, health) ran and found a fault

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.kind = kind;
    this.hint = options.hint;
  }
}

// sysexits(3) codes, so systemd can tell a bad configuration from a crash. 78 means a person must act: the unit
// lists it in RestartPreventExitStatus, so systemd does not retry every 5 s. 69 may clear by itself (a database
// that is restarting): systemd retries it.
export const EXIT_CODES: Record<ErrorKind, number> = {
  config: 78, // EX_CONFIG
  host: 78, // a port another program holds or an address this machine lacks does not change on a retry
  usage: 64, // EX_USAGE
  schema: 78, // a schema behind the binary is a configuration step the operator must take
  database: 69, // EX_UNAVAILABLE
  unavailable: 69,
  "check-failed": 1,
};

export const EXIT_INTERNAL = 70; // EX_SOFTWARE: a bug

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
