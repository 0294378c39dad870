// The compiled binary for this machine, built once per test process by the real scripts/build.sh into a temporary
// directory (never the checkout's dist/, which a person or another test run may be using).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
let built: Promise<string> | undefined;

/** The path of a freshly built `mpesa-cb` for this machine (`MPESA_CB_TARGETS=host`). */
export function builtBinary(): Promise<string> {
  built ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), "mpesa-cb-built-"));
    process.once("exit", () => rmSync(out, { recursive: true, force: true }));
    const build = Bun.spawn(["bash", "scripts/build.sh"], {
      cwd: root, env: { ...process.env, MPESA_CB_TARGETS: "host", MPESA_CB_DIST: out }, stdout: "pipe", stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([build.exited, new Response(build.stderr).text()]);
    if (code !== 0) throw new Error(`scripts/build.sh failed (exit ${code}): ${stderr}`);
    return join(out, "mpesa-cb");
  })();
  return built;
}
