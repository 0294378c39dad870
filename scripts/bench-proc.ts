// What the benchmark reads from Linux's /proc: a process's CPU time and resident memory, the machine's count of
// accepted TCP connections (to check that "a new connection per request" really reconnects), and which mariadbd
// serves a port (several may run on this machine).
import { readFileSync } from "node:fs";
import { listeningPorts } from "../test/support/serve-process.ts";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

/** User + system CPU time of a process (all its threads), in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // after "pid (comm) ": state is field 3
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND;
}

/** Resident set size in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status: has the process exited?`);
  return Number(kib) / 1024;
}

/** TCP connections accepted by this machine so far (PassiveOpens in /proc/net/snmp). */
export function passiveOpens(): number {
  const lines = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Tcp:"));
  const names = (lines[0] ?? "").split(/\s+/);
  const values = (lines[1] ?? "").split(/\s+/);
  return Number(values[names.indexOf("PassiveOpens")]);
}

/** The mariadbd listening on `port` (pidof lists every one: test clusters may run beside the main server). */
export function mariadbPid(port: number): number | null {
  const out = Bun.spawnSync(["pidof", "mariadbd"], { stdout: "pipe", stderr: "ignore" }).stdout.toString().trim();
  const pids = out === "" ? [] : out.split(/\s+/).map(Number);
  return pids.find((pid) => listeningPorts(pid).includes(port)) ?? (pids.length === 1 ? (pids[0] as number) : null);
}
