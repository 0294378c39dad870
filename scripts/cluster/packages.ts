// The Debian packages the cluster harness needs, installed when missing (apt-get, as root).
import { existsSync } from "node:fs";

const NEEDED: { pkg: string; file: string }[] = [
  { pkg: "galera-4", file: "/usr/lib/galera/libgalera_smm.so" },
  { pkg: "mariadb-server", file: "/usr/sbin/mariadbd" },
  { pkg: "mariadb-backup", file: "/usr/bin/mariabackup" },
  { pkg: "socat", file: "/usr/bin/socat" },
  { pkg: "haproxy", file: "/usr/sbin/haproxy" },
];

export function ensurePackages(log: (line: string) => void = () => {}): void {
  const missing = NEEDED.filter((n) => !existsSync(n.file)).map((n) => n.pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(" ")} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => Bun.spawnSync(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing], { env, stdout: "pipe", stderr: "pipe" });
  let r = install();
  if (r.exitCode !== 0) {
    Bun.spawnSync(["apt-get", "update", "-qq"], { env, stdout: "pipe", stderr: "pipe" });
    r = install();
  }
  if (r.exitCode !== 0) throw new Error(`could not install ${missing.join(" ")} (apt-get install, as root): ${r.stderr.toString().trim()}`);
}
