// `bash scripts/cluster/up.sh [--binary dist/mpesa-cb]`: starts the cluster harness, prints its URLs and stays in the
// foreground; Ctrl-C, SIGTERM or down.sh stops everything and removes the temp directory.
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster } from "./cluster.ts";

export const PID_FILE = join(tmpdir(), "mpesa-cb-cluster.pid");

const binaryAt = process.argv.indexOf("--binary");
const binary = binaryAt > 0 ? process.argv[binaryAt + 1] : undefined;
try {
  const cluster = await startCluster({ binary, log: (line) => console.log(line) });
  writeFileSync(PID_FILE, String(process.pid));
  console.log(`\ncallbacks (HAProxy): ${cluster.url}/mpesa/callback`);
  cluster.instances.forEach((x, i) => console.log(`${x.name}: ${x.url} (data ${x.dataDir}, log ${x.logFile}, DATABASE_URL ${cluster.instanceUrl(i)})`));
  cluster.nodes.forEach((n, i) => console.log(`${n.name}: ${cluster.nodeUrl(i)} (pid ${n.proc?.pid}, log ${join(n.dir, "error.log")})`));
  console.log(`\ntry: node_modules/.bin/bun src/cli/main.ts simulate --url ${cluster.url} ; stop: Ctrl-C or bash scripts/cluster/down.sh`);
  const stop = async () => {
    console.log("stopping the cluster");
    await cluster.stop();
    rmSync(PID_FILE, { force: true });
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  setInterval(() => {}, 1 << 30); // stay up until a signal
} catch (e) {
  console.error(`cluster did not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
