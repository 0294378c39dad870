// One MariaDB Galera node on loopback for the cluster harness: its own ports, data directory and config file, started
// as a child process that the harness can kill -9, stop (SIGSTOP), continue and restart.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, waitUntil } from "./wait.ts";

export const MARIADBD = "/usr/sbin/mariadbd";
export const GALERA_PROVIDER = "/usr/lib/galera/libgalera_smm.so";

export interface NodePorts {
  sql: number; // clients (mpesa-cb, mariadb)
  gcomm: number; // group communication between the nodes
  ist: number; // incremental state transfer
  sst: number; // full state transfer (mariabackup over socat)
}

export interface GaleraNode {
  name: string;
  dir: string;
  ports: NodePorts;
  socket: string;
  proc: Subprocess | null;
  /** Starts mariadbd; the first node of a new cluster bootstraps it. Resolves once the node is Synced. */
  start(o?: { bootstrap?: boolean; timeoutMs?: number }): Promise<void>;
  kill(signal?: NodeJS.Signals | number): void;
  /** Plain `mariadb` on the node's socket as root; returns the rows as tab-separated text. Throws on failure. */
  sql(statement: string): string;
  /** wsrep_local_state_comment (Synced, Donor/Desynced, Joining…), or null when the node does not answer. */
  state(): string | null;
  errorLog(): string;
}

export function takeNodePorts(): NodePorts {
  return { sql: freePort(), gcomm: freePort(), ist: freePort(), sst: freePort() };
}

/** The my.cnf of one node. `peers` are the gcomm ports of all nodes (this one too). */
export function nodeConfig(name: string, dir: string, ports: NodePorts, peers: number[]): string {
  const data = join(dir, "data");
  return `[mariadbd]
user=root
datadir=${data}
socket=${join(dir, "mysqld.sock")}
pid-file=${join(dir, "mysqld.pid")}
log-error=${join(dir, "error.log")}
bind-address=127.0.0.1
port=${ports.sql}
skip-name-resolve
max_connections=300
# Galera's requirements: row-based binary log format, InnoDB, interleaved auto-increment locks.
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=128M
# Durability comes from the synchronous replication to the other nodes (Galera's usual setting).
innodb_flush_log_at_trx_commit=2
wsrep_on=ON
wsrep_provider=${GALERA_PROVIDER}
wsrep_cluster_name=mpesa-cb-harness
wsrep_node_name=${name}
wsrep_node_address=127.0.0.1:${ports.gcomm}
wsrep_cluster_address=gcomm://${peers.map((p) => `127.0.0.1:${p}`).join(",")}
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${ports.gcomm};ist.recv_addr=127.0.0.1:${ports.ist};gcache.size=64M"
wsrep_sst_receive_address=127.0.0.1:${ports.sst}
# rsync SST fails when the server runs as root (the joiner's rsync daemon runs as nobody): use mariabackup.
wsrep_sst_method=mariabackup
wsrep_sst_auth=root:
`;
}

export function createNode(name: string, dir: string, ports: NodePorts, peers: number[]): GaleraNode {
  mkdirSync(join(dir, "data"), { recursive: true });
  const cnf = join(dir, "my.cnf");
  writeFileSync(cnf, nodeConfig(name, dir, ports, peers));
  const socket = join(dir, "mysqld.sock");
  const node: GaleraNode = {
    name, dir, ports, socket, proc: null,
    async start(o = {}) {
      // A joiner starts empty and gets everything by state transfer from a node already in the cluster.
      if (o.bootstrap && !existsSync(join(dir, "data", "mysql"))) installSystemTables(dir, cnf);
      const args = [MARIADBD, `--defaults-file=${cnf}`, ...(o.bootstrap ? ["--wsrep-new-cluster"] : [])];
      node.proc = Bun.spawn(args, { stdout: "ignore", stderr: "ignore" });
      const proc = node.proc;
      await waitUntil(() => {
        if (proc.exitCode !== null) throw new Error(`${name}: mariadbd exited with ${proc.exitCode} while starting; its log ${join(dir, "error.log")} ends:\n${tail(node.errorLog())}`);
        return node.state() === "Synced";
      }, { what: () => `${name} (port ${ports.sql}) to join the cluster and be Synced; its log ${join(dir, "error.log")} ends:\n${tail(node.errorLog())}`, timeoutMs: o.timeoutMs ?? 120_000, intervalMs: 250 });
    },
    kill(signal = "SIGKILL") {
      node.proc?.kill(signal);
    },
    sql(statement) {
      const r = Bun.spawnSync(["mariadb", `--socket=${socket}`, "-uroot", "-N", "-B", "-e", statement], { stdout: "pipe", stderr: "pipe" });
      if (r.exitCode !== 0) throw new Error(`${name}: ${statement}: ${r.stderr.toString().trim()}`);
      return r.stdout.toString().trim();
    },
    state() {
      try {
        return node.sql("SHOW STATUS LIKE 'wsrep_local_state_comment'").split("\t")[1] ?? null;
      } catch {
        return null;
      }
    },
    errorLog() {
      try {
        return readFileSync(join(dir, "error.log"), "utf8");
      } catch {
        return "(no error log yet)";
      }
    },
  };
  return node;
}

function installSystemTables(dir: string, cnf: string): void {
  const r = Bun.spawnSync(["mariadb-install-db", `--defaults-file=${cnf}`, "--user=root", "--skip-test-db", "--auth-root-authentication-method=socket"], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`mariadb-install-db failed in ${dir}:\n${r.stderr.toString()}${r.stdout.toString()}`);
}

export function tail(text: string, lines = 25): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
