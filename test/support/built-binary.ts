// The compiled binary for this machine, built by the real scripts/build.sh into a directory the test owns (and
// removes), never the checkout's dist/, which a person or another test run may be using.
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

/** Builds `mpesa-cb` for this machine (`MPESA_CB_TARGETS=host`) into `outDir`; returns its path. */
export async function buildBinary(outDir: string): Promise<string> {
  const build = Bun.spawn(["bash", "scripts/build.sh"], {
    cwd: root, env: { ...process.env, MPESA_CB_TARGETS: "host", MPESA_CB_DIST: outDir }, stdout: "pipe", stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([build.exited, new Response(build.stderr).text()]);
  if (code !== 0) throw new Error(`scripts/build.sh failed (exit ${code}): ${stderr}`);
  return join(outDir, "mpesa-cb");
}
