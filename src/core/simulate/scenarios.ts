// Simulation scenarios: sample callbacks with fresh IDs, and what a correct server answers to each.
import { stkFixtures } from "../daraja/fixtures.ts";

/** Every simulated ID starts with this, so simulated rows are easy to find (and delete) in a real database. */
export const SIMULATED_PREFIX = "ws_CO_SIM";

export interface ScenarioResult {
  name: string;
  passed: boolean;
  detail: string;
}

interface Scenario {
  name: string;
  description: string;
  run(baseUrl: string): Promise<ScenarioResult>;
}

function fixtureBody(name: string): string {
  const f = stkFixtures.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no fixture named ${name}`);
  return f.body;
}

/** A fixture with fresh unique IDs (and receipt), marked as simulated. */
export function freshCallback(fixture: string, runId = crypto.randomUUID().replace(/-/g, "").slice(0, 16)): { body: string; checkoutRequestId: string } {
  const json = JSON.parse(fixtureBody(fixture)) as { Body: { stkCallback: Record<string, unknown> } };
  const cb = json.Body.stkCallback;
  const checkoutRequestId = `${SIMULATED_PREFIX}${runId}`;
  cb.CheckoutRequestID = checkoutRequestId;
  cb.MerchantRequestID = `SIM-${runId}`;
  const items = (cb.CallbackMetadata as { Item?: { Name: string; Value?: unknown }[] } | undefined)?.Item ?? [];
  for (const item of items) if (item.Name === "MpesaReceiptNumber") item.Value = `SIM${runId.slice(0, 7).toUpperCase()}`;
  return { body: JSON.stringify(json), checkoutRequestId };
}

async function post(baseUrl: string, body: string): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const res = await fetch(`${baseUrl}/mpesa/callback`, { method: "POST", body, headers: { "content-type": "application/json;charset=UTF-8" } });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: res.status, json: null };
  }
}

function callbackScenario(name: string, fixture: string, description: string): Scenario {
  return {
    name, description,
    async run(baseUrl) {
      const { body, checkoutRequestId } = freshCallback(fixture);
      const { status, json } = await post(baseUrl, body);
      const passed = status === 200 && json?.ResultCode === 0 && json?.CheckoutRequestID === checkoutRequestId;
      return { name, passed, detail: passed ? `acknowledged ${checkoutRequestId}` : `expected 200 with ResultCode 0 and the CheckoutRequestID, got ${status} ${JSON.stringify(json)}` };
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "root", description: "GET / names the service",
    async run(baseUrl) {
      const res = await fetch(`${baseUrl}/`);
      const json = (await res.json().catch(() => null)) as { service?: string } | null;
      const passed = res.status === 200 && json?.service === "mpesa-cb";
      return { name: "root", passed, detail: passed ? "service mpesa-cb" : `expected 200 from mpesa-cb, got ${res.status}` };
    },
  },
  {
    name: "health", description: "GET /health reports healthy",
    async run(baseUrl) {
      const res = await fetch(`${baseUrl}/health`);
      const json = (await res.json().catch(() => null)) as { status?: string } | null;
      const passed = res.status === 200 && json?.status === "healthy";
      return { name: "health", passed, detail: passed ? "healthy" : `expected 200 healthy, got ${res.status} ${json?.status ?? ""}` };
    },
  },
  callbackScenario("success", "stk_success", "a successful payment (ResultCode 0)"),
  callbackScenario("cancelled", "stk_cancelled_1032", "a payment the customer cancelled (1032)"),
  {
    name: "invalid", description: "a callback without CheckoutRequestID is rejected with 400",
    async run(baseUrl) {
      const { status, json } = await post(baseUrl, fixtureBody("stk_missing_checkout_request_id"));
      const passed = status === 400 && Array.isArray(json?.errors);
      return { name: "invalid", passed, detail: passed ? "rejected with 400 and a problem list" : `expected 400 with errors, got ${status}` };
    },
  },
  callbackScenario("timeout", "stk_timeout_1037", "the customer could not be reached (1037)"),
];

export async function runScenarios(baseUrl: string, names?: string[]): Promise<ScenarioResult[]> {
  const chosen = names && names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    results.push(await s.run(baseUrl.replace(/\/+$/, "")).catch((e: unknown) => ({ name: s.name, passed: false, detail: `request failed: ${e instanceof Error ? e.message : String(e)}` })));
  }
  return results;
}
