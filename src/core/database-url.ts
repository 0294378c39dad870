// Database URLs: `sqlite:PATH` for the embedded default, `mysql://user:pass@host:port/db` for production, with a
// comma-separated list of hosts (`mysql://u:p@db1:3306,db2:3306,db3:3306/db`) for a cluster the pool moves across.
import type { Result } from "./result.ts";

export interface DatabaseHost {
  host: string;
  port: number;
}

export type DatabaseTarget =
  | { dialect: "sqlite"; path: string }
  | {
      dialect: "mysql"; host: string; port: number; user: string; password: string; database: string;
      hosts?: DatabaseHost[]; // every node, in order, when more than one is listed (the first is host:port)
    };

export type MysqlTarget = Extract<DatabaseTarget, { dialect: "mysql" }>;

const EXAMPLE = "e.g. sqlite:./data/mpesa-cb.sqlite, mysql://user:password@127.0.0.1:3306/mpesa or mysql://user:password@db1:3306,db2:3306/mpesa";

export function parseDatabaseUrl(url: string, setting: string): Result<DatabaseTarget> {
  const bad = (why: string): Result<DatabaseTarget> => ({ ok: false, problems: [{ path: setting, message: `${why} (${EXAMPLE})` }] });
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    return path === "" ? bad("names no SQLite file") : { ok: true, value: { dialect: "sqlite", path } };
  }
  // The WHATWG parser refuses a list of hosts: take the host part out, parse the rest with the first host alone.
  const split = /^([a-z][a-z0-9+.-]*:\/\/)((?:[^/@]*@)?)([^/?#]*)(.*)$/i.exec(url);
  const hostList = split?.[3] ?? "";
  const hosts = parseHostList(hostList, 3306);
  if (split && hostList !== "" && hosts === null) return bad(`lists hosts "${hostList}" that are not host:port, host:port, …`);
  let parsed: URL;
  try {
    parsed = new URL(split && hosts && hosts.length > 1 ? `${split[1]}${split[2]}${hostList.split(",")[0]}${split[4]}` : url);
  } catch {
    return bad("is not a mysql:// or sqlite: URL");
  }
  if (parsed.protocol !== "mysql:" && parsed.protocol !== "mariadb:") return bad(`has scheme "${parsed.protocol}", expected mysql:// or sqlite:`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database === "") return bad("names no database after the host");
  const port = parsed.port === "" ? 3306 : Number(parsed.port);
  const host = bareHost(parsed.hostname) || "127.0.0.1";
  return {
    ok: true,
    value: {
      dialect: "mysql", host, port, database,
      user: decodeURIComponent(parsed.username) || "root", password: decodeURIComponent(parsed.password),
      ...(hosts && hosts.length > 1 ? { hosts } : {}),
    },
  };
}

/** `db1:3306,db2,[::1]:3307` → hosts (a missing port is `defaultPort`); null when an entry is not host[:port]. */
export function parseHostList(text: string, defaultPort: number): DatabaseHost[] | null {
  const hosts: DatabaseHost[] = [];
  for (const entry of text.split(",").map((e) => e.trim())) {
    if (entry === "") return null;
    let u: URL;
    try {
      u = new URL(`mysql://${entry}`);
    } catch {
      return null;
    }
    if (u.hostname === "" || u.username !== "" || u.pathname !== "") return null;
    hosts.push({ host: bareHost(u.hostname), port: u.port === "" ? defaultPort : Number(u.port) });
  }
  return hosts.length > 0 ? hosts : null;
}

/** Every node of a MySQL target, in the order they are tried. */
export function databaseHosts(t: MysqlTarget): DatabaseHost[] {
  return t.hosts && t.hosts.length > 0 ? t.hosts : [{ host: t.host, port: t.port }];
}

// IPv6 literals come bracketed from URL; the driver wants them bare.
function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1");
}

function hostPort(h: DatabaseHost): string {
  return `${h.host.includes(":") ? `[${h.host}]` : h.host}:${h.port}`;
}

/** For log lines and error messages: never shows the password. */
export function describeDatabase(t: DatabaseTarget): string {
  return t.dialect === "sqlite" ? `sqlite:${t.path}` : `mysql://${t.user}:***@${databaseHosts(t).map(hostPort).join(",")}/${t.database}`;
}
