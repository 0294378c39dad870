// The scenario table: every name `simulate --scenario` accepts, what it sends, and what a correct server answers.
import { checkRejected, showReply } from "./checks.ts";
import { freshCallback } from "./fresh-callbacks.ts";
import { probeHealth } from "./health-probe.ts";
import { getJson, postCallback } from "./http.ts";
import { duplicateBurst, lateSuccess } from "./multi-step.ts";
import { failed, oneCallback, passed, type Scenario } from "./scenario.ts";
import { SPOOF_SCENARIOS } from "./spoof.ts";
import { C2B_SCENARIOS } from "./c2b-scenarios.ts";
import { RESULT_SCENARIOS } from "./result-scenarios.ts";

const root: Scenario = {
  name: "root", description: "GET / answers 200 and names the service mpesa-cb", smoke: true,
  async run({ target }) {
    const reply = await getJson(target, "/");
    if (reply.status === 200 && reply.json?.service === "mpesa-cb") return passed(String(reply.json.version ?? "mpesa-cb"));
    return failed(`expected 200 {"service":"mpesa-cb",…}, got ${showReply(reply)} — is --url an mpesa-cb server?`);
  },
};

const health: Scenario = {
  name: "health", description: "GET /health reports healthy (the database answers a real query)", smoke: true,
  async run({ target }) {
    const probe = await probeHealth(target.baseUrl, target.timeoutMs);
    return probe.state === "healthy" ? passed(probe.summary) : failed(`${probe.state}: ${probe.summary}`);
  },
};

const invalid: Scenario = {
  name: "invalid", description: "a callback without CheckoutRequestID is rejected: 400 with an errors list naming it", smoke: true,
  async run({ target, ids }) {
    const reply = await postCallback(target, freshCallback("stk_missing_checkout_request_id", ids.next()));
    const wrong = checkRejected(reply, "Body.stkCallback.CheckoutRequestID");
    return wrong === null ? passed("rejected with 400 and a problem list") : failed(wrong);
  },
};

export const SCENARIOS: readonly Scenario[] = [
  root,
  health,
  oneCallback("success", "stk_success", "a successful payment (ResultCode 0, with amount, receipt, phone)", true),
  oneCallback("failed", "stk_cancelled_1032", "a failed payment: the customer cancelled the prompt (1032)", true),
  invalid,
  oneCallback("timeout", "stk_timeout_1037", "the customer could not be reached (1037)", true),
  oneCallback("insufficient", "stk_insufficient_1", "the customer's balance is insufficient (1)"),
  oneCallback("wrong-pin", "stk_wrong_pin_2001", "the customer entered a wrong M-PESA PIN (2001)"),
  oneCallback("expired", "stk_expired_1019", "the request expired before it was processed (1019)"),
  oneCallback("balance-no-value", "stk_success_balance_no_value", "a success with the legacy Balance item that has no Value"),
  duplicateBurst,
  lateSuccess,
  ...SPOOF_SCENARIOS,
  ...C2B_SCENARIOS,
  ...RESULT_SCENARIOS,
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

/** The named scenarios in table order (`all`: every one), or the smoke set; unknown names are returned for the caller. */
export function pickScenarios(names: readonly string[]): { chosen: Scenario[]; unknown: string[] } {
  if (names.length === 0) return { chosen: SCENARIOS.filter((s) => s.smoke), unknown: [] };
  if (names.includes("all")) return { chosen: [...SCENARIOS], unknown: names.filter((n) => n !== "all" && !SCENARIO_NAMES.includes(n)) };
  const unknown = names.filter((n) => !SCENARIO_NAMES.includes(n));
  return { chosen: SCENARIOS.filter((s) => names.includes(s.name)), unknown };
}
