// Database URLs: `sqlite:PATH` for the embedded default, `mysql://user:pass@host:port/db` for production.
import type { Result } from "./result.ts";

export type DatabaseTarget =
  | { dialect: "sqlite"; path: string }
  | { dialect: "mysql"; host: string; port: number; user: string; password: string; database: string };

const EXAMPLE = "e.g. sqlite:./data/mpesa-cb.sqlite or mysql://user:password@127.0.0.1:3306/mpesa";

export function parseDatabaseUrl(url: string, setting: string): Result<DatabaseTarget> {
  const bad = (why: string): Result<DatabaseTarget> => ({ ok: false, problems: [{ path: setting, message: `${why} (${EXAMPLE})` }] });
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    return path === "" ? bad("names no SQLite file") : { ok: true, value: { dialect: "sqlite", path } };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad("is not a mysql:// or sqlite: URL");
  }
  if (parsed.protocol !== "mysql:" && parsed.protocol !== "mariadb:") return bad(`has scheme "${parsed.protocol}", expected mysql:// or sqlite:`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database === "") return bad("names no database after the host");
  const port = parsed.port === "" ? 3306 : Number(parsed.port);
  return {
    ok: true,
    value: {
      dialect: "mysql", host: parsed.hostname || "127.0.0.1", port, database,
      user: decodeURIComponent(parsed.username) || "root", password: decodeURIComponent(parsed.password),
    },
  };
}

/** For log lines and error messages: never shows the password. */
export function describeDatabase(t: DatabaseTarget): string {
  return t.dialect === "sqlite" ? `sqlite:${t.path}` : `mysql://${t.user}:***@${t.host}:${t.port}/${t.database}`;
}
