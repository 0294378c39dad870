// Runs scenarios one after another against a server; a scenario that throws (unreachable, timeout) fails with why.
import type { Scenario, ScenarioContext } from "./scenario.ts";

export interface ScenarioResult {
  name: string;
  passed: boolean;
  detail: string;
  ms: number;
  ids: string[];
}

export interface SimulationReport {
  url: string;
  callbackPath: string;
  runId: string;
  passed: boolean;
  results: ScenarioResult[];
}

/** In order, one at a time (so a failure is easy to read in the server log); `onResult` sees each as it ends. */
export async function runScenarios(
  ctx: ScenarioContext,
  scenarios: readonly Scenario[],
  onResult: (r: ScenarioResult) => void = () => {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const started = performance.now();
    const outcome = await s.run(ctx).catch((e: unknown) => ({
      passed: false, detail: e instanceof Error ? e.message : String(e), ids: [] as string[],
    }));
    const result = { name: s.name, ...outcome, ms: Math.round(performance.now() - started) };
    results.push(result);
    onResult(result);
  }
  return results;
}
