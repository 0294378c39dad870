// `mpesa-cb simulate`: fires sample Daraja callbacks at a server and checks each answer (the post-deploy smoke test).
import type { Command } from "commander";
import { consola } from "consola";
import { runScenarios, SCENARIOS } from "../core/simulate/scenarios.ts";

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("send sample callbacks (success, failure, invalid, timeout) to a server and check the answers")
    .option("--url <url>", "the server to test", "http://127.0.0.1:8000")
    .option("--list", "list the scenarios and exit")
    .option("--scenario <name...>", "run only these scenarios")
    .option("--json", "print a machine-readable report")
    .action(async (opts: { url: string; list?: boolean; scenario?: string[]; json?: boolean }) => {
      process.exitCode = await simulate(opts);
    });
}

async function simulate(opts: { url: string; list?: boolean; scenario?: string[]; json?: boolean }): Promise<number> {
  if (opts.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(24)} ${s.description}`);
    return 0;
  }
  const results = await runScenarios(opts.url, opts.scenario);
  const failed = results.filter((r) => !r.passed);
  if (opts.json) console.log(JSON.stringify({ url: opts.url, passed: failed.length === 0, results }));
  else {
    for (const r of results) (r.passed ? consola.success : consola.fail)(`${r.name}: ${r.detail}`);
    console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  }
  return failed.length === 0 ? 0 : 1;
}
