// Expected failures as values: every problem carries the JSON path it is about, all reported at once.

/** One thing wrong with an input, e.g. `{ path: "Body.stkCallback.ResultCode", message: "is required" }`. */
export interface Problem {
  path: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(problems: Problem[]): { ok: false; problems: Problem[] } {
  return { ok: false, problems };
}
