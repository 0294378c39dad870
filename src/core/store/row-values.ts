// Column values as the two drivers return them, read into domain values.

export function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** A DATETIME as the drivers return it: a Date from mysql2, UTC text from SQLite. */
export function utc(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const d = new Date(`${String(v).replace(" ", "T").replace(/Z$/, "")}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
