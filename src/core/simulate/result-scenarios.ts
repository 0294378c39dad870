// Result-family scenarios (B2C payouts, transaction status, account balance, reversal; SPEC §5–§9): the embedded
// Result fixtures with fresh simulated ids, posted to /results/<api> or /timeouts/<api>. Simulated results land in the
// production database, so every id says so (OriginatorConversationID `SIM-…`, ConversationID `AG_SIM_…`, receipts
// `SIM…`), the parties are named SIMULATED, and no simulated body carries an account balance under the names a real
// one has ("Utility Account", B2CUtilityAccountAvailableFunds…): a smoke test never moves the low-balance state.
import { resultFixtures } from "../daraja/result/fixtures.ts";
import type { ResultApi } from "../daraja/result/result-codes.ts";
import { checkRejected, showReply } from "./checks.ts";
import { postTo, type Reply } from "./http.ts";
import { SIMULATED_RESULT_PREFIX, type SimIds } from "./ids.ts";
import { failed, passed, type Scenario } from "./scenario.ts";

export { SIMULATED_RESULT_PREFIX } from "./ids.ts";

type Route = "result" | "timeout";
type Json = Record<string, unknown>;
interface Parameter { Key: string; Value?: unknown }

/** The ids one simulated result carries: its key, Daraja's ConversationID, and its receipt. */
export interface SimResultIds {
  originatorConversationId: string;
  conversationId: string;
  receipt: string;
}

export function simResultIds(sim: SimIds): SimResultIds {
  // merchantRequestId is SIM-<run>-<n>: unique per run and across runs, and marked simulated.
  const tag = sim.merchantRequestId.slice(SIMULATED_RESULT_PREFIX.length).replace(/-/g, "_");
  return { originatorConversationId: sim.merchantRequestId, conversationId: `AG_SIM_${tag}`, receipt: sim.receipt };
}

const routeOf = (api: ResultApi, route: Route) => `/${route}s/${api}`;

// Parameters that are ids or people (replaced), and balances under a real account's name (renamed or dropped).
const MARKED = "SIMULATED";
const PARTY_KEYS = new Set(["ReceiverPartyPublicName", "CreditPartyName", "DebitPartyName", "CreditPartyPublicName", "DebitPartyPublicName"]);
const RECEIPT_KEYS = new Set(["TransactionReceipt", "ReceiptNo", "OriginalTransactionID"]);
const DROPPED_KEYS = new Set(["B2CUtilityAccountAvailableFunds", "B2CWorkingAccountAvailableFunds", "B2CChargesPaidAccountAvailableFunds", "DebitAccountBalance"]);

/** "254700000004 - TEST RECIPIENT" → "254700000004 - SIMULATED"; a short code keeps its number. */
const markParty = (v: unknown) => (typeof v === "string" ? `${v.split(" - ")[0] ?? ""} - ${MARKED}` : v);

/** "Working Account|KES|…&Utility Account|KES|…" → "SIMULATED Working Account|KES|…&…": never a watched account. */
const markAccounts = (v: unknown) => (typeof v === "string" ? v.split("&").map((a) => `${MARKED} ${a}`).join("&") : v);

function freshParameter(p: Parameter, ids: SimResultIds): Parameter | null {
  if (DROPPED_KEYS.has(p.Key)) return null;
  if (PARTY_KEYS.has(p.Key)) return { ...p, Value: markParty(p.Value) };
  if (RECEIPT_KEYS.has(p.Key)) return { ...p, Value: ids.receipt };
  if (p.Key === "AccountBalance") return { ...p, Value: markAccounts(p.Value) };
  // A status result's own ids of the queried transaction: ours too, so nothing in it names a real one.
  if (p.Key === "OriginatorConversationID") return { ...p, Value: ids.originatorConversationId };
  if (p.Key === "ConversationID") return { ...p, Value: ids.conversationId };
  return p;
}

function fixtureJson(name: string): { api: ResultApi; route: Route; json: Json } {
  const f = resultFixtures.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no Result fixture named ${name}`); // a bug in the scenario table
  return { api: f.api, route: f.route, json: JSON.parse(f.body) as Json };
}

/** A Result envelope fixture with our ids, receipt (where it has a real-looking one) and marked parties and balances. */
function freshEnvelope(r: Json, ids: SimResultIds): Json {
  const out: Json = { ...r, OriginatorConversationID: ids.originatorConversationId, ConversationID: ids.conversationId };
  if (typeof r.TransactionID === "string" && r.TransactionID !== "" && !/^FAKE0+$/.test(r.TransactionID)) out.TransactionID = ids.receipt;
  const params = (r.ResultParameters as { ResultParameter?: Parameter[] } | undefined)?.ResultParameter;
  if (Array.isArray(params)) out.ResultParameters = { ResultParameter: params.map((p) => freshParameter(p, ids)).filter((p) => p !== null) };
  return out;
}

/** The fixture's body with fresh ids: a Result envelope, a request echo (a timeout), or the ids at the top level (invalid). */
export function freshResult(name: string, ids: SimResultIds): string {
  const { json } = fixtureJson(name);
  if (typeof json.Result === "object" && json.Result !== null) return JSON.stringify({ ...json, Result: freshEnvelope(json.Result as Json, ids) });
  const top: Json = { ...json, OriginatorConversationID: ids.originatorConversationId };
  if ("ConversationID" in json) top.ConversationID = ids.conversationId;
  if ("TransactionID" in json) top.TransactionID = ids.receipt;
  if ("SecurityCredential" in json) top.SecurityCredential = MARKED; // the echo of a request: redacted by the server anyway
  if ("PartyB" in json) top.Remarks = MARKED;
  return JSON.stringify(top);
}

/** 200, ResultCode 0, "Accepted", our OriginatorConversationID echoed, and the outcome given. */
function checkResultAck(reply: Reply, ids: SimResultIds, outcome: string): string | null {
  if (reply.status !== 200) {
    const hint = reply.status === 404 ? " — an mpesa-cb without Result routes, or a path token missing? (--token)"
      : reply.status === 503 ? " — the server could not store it: is its database up? (mpesa-cb health)" : "";
    return `expected 200, got ${showReply(reply)}${hint}`;
  }
  const j = reply.json;
  if (j?.ResultCode === 0 && j.ResultDesc === "Accepted" && j.OriginatorConversationID === ids.originatorConversationId && j.outcome === outcome) return null;
  const spooled = j?.outcome === "spooled" ? " — the server spooled it because its database is unreachable (mpesa-cb health)" : "";
  return `expected {"ResultCode":0,"ResultDesc":"Accepted","OriginatorConversationID":"${ids.originatorConversationId}","outcome":"${outcome}"}, got ${showReply(reply)}${spooled}`;
}

/** One fixture posted to its route with fresh ids: a correct server stores it and answers outcome "new". */
function oneResult(name: string, fixture: string, description: string): Scenario {
  return {
    name, description, smoke: false,
    async run({ target, ids }) {
      const sim = simResultIds(ids.next());
      const { api, route } = fixtureJson(fixture);
      const wrong = checkResultAck(await postTo(target, routeOf(api, route), freshResult(fixture, sim)), sim, "new");
      const key = sim.originatorConversationId;
      return wrong === null ? passed(`stored and acknowledged ${api} ${route} ${key}`, [key]) : failed(wrong, [key]);
    },
  };
}

/** A queue timeout that echoes the request (only the OriginatorConversationID), then the payout's result: one row. */
const lateResult: Scenario = {
  name: "b2c-late-result", smoke: false,
  description: "a B2C queue timeout, then the payout's success for the same OriginatorConversationID: the second answer says \"late-result\"",
  async run({ target, ids }) {
    const sim = simResultIds(ids.next());
    const key = sim.originatorConversationId;
    const first = checkResultAck(await postTo(target, routeOf("b2c", "timeout"), freshResult("b2c_queue_timeout_request_echo", sim)), sim, "new");
    if (first !== null) return failed(`the timeout (first callback): ${first}`, [key]);
    const second = checkResultAck(await postTo(target, routeOf("b2c", "result"), freshResult("b2c_result_success", sim)), sim, "late-result");
    if (second !== null) return failed(`the success after the timeout: ${second} — a result after a timeout must win and be flagged`, [key]);
    return passed(`${key}: timeout stored, then the success kept and flagged late-result`, [key]);
  },
};

const invalid: Scenario = {
  name: "result-invalid", smoke: false, description: "a B2C result without the Result envelope: 400 with an errors list naming Result",
  async run({ target, ids }) {
    const sim = simResultIds(ids.next());
    const wrong = checkRejected(await postTo(target, routeOf("b2c", "result"), freshResult("result_missing_result_key", sim)), "Result");
    return wrong === null ? passed("rejected with 400, naming Result") : failed(wrong);
  },
};

export const RESULT_SCENARIOS: readonly Scenario[] = [
  oneResult("b2c-success", "b2c_result_success", "a B2C payout that went through (ResultCode 0, amount, receipt, recipient)"),
  oneResult("b2c-failure", "b2c_result_failure_2040_unregistered", "a B2C payout that failed: the receiver is not a registered M-Pesa customer (2040)"),
  oneResult("b2c-timeout", "b2c_queue_timeout", "a B2C request that timed out in Safaricom's queue: outcome unknown, stored as Timeout"),
  lateResult,
  oneResult("status-result", "transaction_status_result", "a transaction status query's result (Completed)"),
  oneResult("balance-result", "account_balance_result", "an account balance query's result, one row per account (accounts named SIMULATED …)"),
  oneResult("reversal-result", "reversal_result", "a reversal that went through"),
  invalid,
];
