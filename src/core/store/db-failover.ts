// Failover across the nodes of a cluster (DATABASE_URL with several hosts): new connections go to the node in use,
// and the pool leaves a node that refuses, drops a connection, does not answer a query in time, or says it is not
// ready (Galera's 1047). Also bounds every query, so that a hung node is found at all.
import type { Sequelize } from "sequelize";
import { databaseHosts, type DatabaseHost, type MysqlTarget } from "../database-url.ts";
import { reason } from "./db-errors.ts";

export interface FailoverOptions {
  queryTimeoutMs?: number;
  log?: (line: string) => void;
}

// mysql2's connection, as far as failover needs it.
export interface Conn {
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
  destroy(): void;
  on(event: "error", listener: (e: unknown) => void): void;
  _fatalError?: unknown;
  _protocolError?: unknown;
  _closing?: boolean;
  stream?: { destroyed?: boolean };
}

const NODE_OF = Symbol("mpesa-cb database node");
// The node cannot serve us: its connections go and the pool moves on. 1047 (ER_UNKNOWN_COM_ERROR) is Galera's
// "WSREP has not yet prepared node for application use": the node is out of the cluster's primary component.
const LEAVE_NODE = new Set(["PROTOCOL_SEQUENCE_TIMEOUT", "ER_UNKNOWN_COM_ERROR"]);

export function createFailover(target: MysqlTarget, options: FailoverOptions) {
  const hosts = databaseHosts(target);
  const queryTimeoutMs = options.queryTimeoutMs ?? 4_000;
  let current = 0;
  let unboundedRuns = 0;
  const name = (i: number) => hostName(hosts[i] as DatabaseHost);
  // Only the node in use is left: an error on a connection to a node already left changes nothing.
  const leave = (i: number, why: string) => {
    if (i !== current || hosts.length < 2) return;
    current = (i + 1) % hosts.length;
    options.log?.(`database node ${name(i)} failed (${why}): moving to ${name(current)}`);
  };
  const instrument = (c: Conn, i: number) => {
    (c as unknown as Record<symbol, number>)[NODE_OF] = i;
    const onError = (e: unknown) => {
      const code = String((e as { code?: unknown } | null)?.code ?? "");
      if (!LEAVE_NODE.has(code) && (e as { fatal?: unknown } | null)?.fatal !== true) return;
      if (LEAVE_NODE.has(code)) c.destroy(); // the command may still be queued on it: never reuse it
      leave(i, `${code}: ${reason(e)}`);
    };
    c.on("error", onError);
    for (const method of ["query", "execute"] as const) {
      const original = c[method].bind(c);
      c[method] = (sql: unknown, ...rest: unknown[]) => {
        const at = rest.findIndex((a) => typeof a === "function");
        if (at >= 0) {
          const cb = rest[at] as (e: unknown, ...r: unknown[]) => void;
          rest[at] = (e: unknown, ...r: unknown[]) => {
            if (e) onError(e);
            cb(e, ...r);
          };
        }
        const bounded = queryTimeoutMs > 0 && unboundedRuns === 0;
        const withLimit = !bounded ? sql : typeof sql === "string" ? { sql, timeout: queryTimeoutMs }
          : isPlainOptions(sql) && sql.timeout === undefined ? { ...sql, timeout: queryTimeoutMs } : sql;
        return original(withLimit, ...rest);
      };
    }
  };
  return {
    currentHost: () => name(current),
    usable: (c: Conn) => Boolean(c) && !c._fatalError && !c._protocolError && !c._closing && !c.stream?.destroyed
      && (c as unknown as Record<symbol, number>)[NODE_OF] === current,
    async unbounded<T>(work: () => Promise<T>): Promise<T> {
      unboundedRuns++;
      try {
        return await work();
      } finally {
        unboundedRuns--;
      }
    },
    // Each new connection goes to the node in use; one that cannot be reached is left for the next, within the
    // same acquire, so a dead node costs a caller one connect timeout at most once.
    attach(sequelize: Sequelize) {
      const manager = (sequelize as unknown as { connectionManager: { connect(config: Record<string, unknown>): Promise<Conn> } }).connectionManager;
      const connect = manager.connect.bind(manager);
      manager.connect = async (config) => {
        let last: unknown;
        for (let tries = 0; tries < hosts.length; tries++) {
          const i = current;
          const h = hosts[i] as DatabaseHost;
          try {
            const c = await connect({ ...config, host: h.host, port: h.port });
            instrument(c, i);
            return c;
          } catch (e) {
            last = e;
            leave(i, reason(e));
          }
        }
        throw last;
      };
    },
  };
}

// `{sql, …}` as sequelize passes it; never one of mysql2's own command objects.
function isPlainOptions(v: unknown): v is { timeout?: unknown } {
  return v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
}

function hostName(h: DatabaseHost): string {
  return `${h.host.includes(":") ? `[${h.host}]` : h.host}:${h.port}`;
}
