// C2B scenarios: validation and confirmation requests with fresh simulated TransIDs (SIM…), and the same payment
// arriving as an STK callback and a C2B confirmation.
import { c2bFixtures } from "../daraja/c2b/fixtures.ts";
import { checkAck, showReply } from "./checks.ts";
import { freshCallback } from "./fresh-callbacks.ts";
import { postCallback, postTo, type Reply } from "./http.ts";
import { failed, passed, type Scenario } from "./scenario.ts";
import type { SimIds } from "./ids.ts";

const CONFIRMATION = "/c2b/confirmation";
const VALIDATION = "/c2b/validation";
const DOCUMENTED = /^(0|C2B0001[1-6])$/;

/** A C2B fixture with a fresh TransID (the simulated receipt); `change` alters other fields. */
function freshC2b(fixture: string, ids: SimIds, change: Record<string, unknown> = {}): string {
  const f = c2bFixtures.find((x) => x.name === fixture);
  if (f === undefined) throw new Error(`no C2B fixture named ${fixture}`); // a bug in the scenario table
  return JSON.stringify({ ...(JSON.parse(f.body) as Record<string, unknown>), TransID: ids.receipt, BillRefNumber: "SIMULATED", ...change });
}

/** 200, ResultCode 0, our TransID echoed, the outcome given. */
function checkC2bAck(reply: Reply, transId: string, outcome: string): string | null {
  if (reply.status !== 200) return `expected 200, got ${showReply(reply)}${reply.status === 404 ? " — an mpesa-cb without C2B routes, or a path token missing? (--token)" : ""}`;
  const j = reply.json;
  if (j?.ResultCode !== 0 || j.TransID !== transId || j.outcome !== outcome) return `expected {"ResultCode":0,"TransID":"${transId}","outcome":"${outcome}"}, got ${showReply(reply)}`;
  return null;
}

const validationAccept: Scenario = {
  name: "c2b-validation-accept", smoke: false,
  description: "a C2B validation request a default server lets through: {\"ResultCode\":\"0\",\"ResultDesc\":\"Accepted\"}",
  async run({ target, ids }) {
    const sim = ids.next();
    const reply = await postTo(target, VALIDATION, freshC2b("c2b_validation", sim));
    if (reply.status === 200 && reply.json?.ResultCode === "0" && reply.json.ResultDesc === "Accepted") return passed(`accepted ${sim.receipt}`, [sim.receipt]);
    const hint = typeof reply.json?.ResultCode === "string" && DOCUMENTED.test(reply.json.ResultCode) ? ` — rejected by rule ${String(reply.json.rule)}: with MPESA_CB_C2B_VALIDATION=rules that may be right` : "";
    return failed(`expected 200 {"ResultCode":"0","ResultDesc":"Accepted"}, got ${showReply(reply)}${hint}`, [sim.receipt]);
  },
};

// Whether this is rejected depends on the server's rules; every correct server answers a documented code in time.
const validationReject: Scenario = {
  name: "c2b-validation-reject", smoke: false,
  description: "a C2B validation for KES 0.01 to an unknown shortcode: rejected with a documented C2B code under rules, accepted in accept mode",
  async run({ target, ids }) {
    const sim = ids.next();
    const reply = await postTo(target, VALIDATION, freshC2b("c2b_validation", sim, { TransAmount: "0.01", BusinessShortCode: "000001", BillRefNumber: "SIM-NO-SUCH-ACCOUNT" }));
    const code = reply.json?.ResultCode;
    if (reply.status !== 200 || typeof code !== "string" || !DOCUMENTED.test(code)) return failed(`expected 200 with "0" or a C2B0001x code, got ${showReply(reply)}`, [sim.receipt]);
    return passed(code === "0" ? "accepted: the server's validation is in accept mode" : `rejected with ${code} (rule ${String(reply.json?.rule)})`, [sim.receipt]);
  },
};

const confirmation: Scenario = {
  name: "c2b-confirmation", smoke: false, description: "a C2B (PayBill) confirmation: stored, {\"ResultCode\":0,\"ResultDesc\":\"Success\"}",
  async run({ target, ids }) {
    const sim = ids.next();
    const wrong = checkC2bAck(await postTo(target, CONFIRMATION, freshC2b("c2b_confirmation", sim)), sim.receipt, "new");
    return wrong === null ? passed(`stored ${sim.receipt}`, [sim.receipt]) : failed(wrong, [sim.receipt]);
  },
};

const duplicate: Scenario = {
  name: "c2b-duplicate", smoke: false, description: "the same C2B confirmation twice: both acknowledged, the second a \"duplicate\"",
  async run({ target, ids }) {
    const sim = ids.next();
    const body = freshC2b("c2b_confirmation", sim);
    const first = checkC2bAck(await postTo(target, CONFIRMATION, body), sim.receipt, "new");
    if (first !== null) return failed(`the first copy: ${first}`, [sim.receipt]);
    const second = checkC2bAck(await postTo(target, CONFIRMATION, body), sim.receipt, "duplicate");
    return second === null ? passed(`${sim.receipt}: new, then duplicate`, [sim.receipt]) : failed(`the second copy: ${second} — the server does not deduplicate by TransID`, [sim.receipt]);
  },
};

const invalid: Scenario = {
  name: "c2b-invalid", smoke: false, description: "a C2B confirmation without TransID: 400 with an errors list naming it",
  async run({ target, ids }) {
    const body = JSON.parse(freshC2b("c2b_confirmation", ids.next())) as Record<string, unknown>;
    delete body.TransID;
    const reply = await postTo(target, CONFIRMATION, JSON.stringify(body));
    const named = Array.isArray(reply.json?.errors) && (reply.json.errors as { path?: unknown }[]).some((e) => e.path === "TransID");
    return reply.status === 400 && named ? passed("rejected with 400, naming TransID") : failed(`expected 400 naming TransID, got ${showReply(reply)}`);
  },
};

const sameReceipt: Scenario = {
  name: "stk-c2b-same-receipt", smoke: false,
  description: "an STK success, then a C2B confirmation with its receipt (SPEC §4.5): one payment, the second \"linked\"",
  async run({ target, ids }) {
    const sim = ids.next();
    const stk = checkAck(await postCallback(target, freshCallback("stk_success", sim)), sim.checkoutRequestId, "new");
    if (stk !== null) return failed(`the STK success: ${stk}`, [sim.checkoutRequestId, sim.receipt]);
    const c2b = checkC2bAck(await postTo(target, CONFIRMATION, freshC2b("c2b_confirmation", sim)), sim.receipt, "linked");
    return c2b === null ? passed(`${sim.receipt}: the STK payment, and its C2B confirmation linked to it`, [sim.checkoutRequestId, sim.receipt])
      : failed(`the C2B confirmation: ${c2b}`, [sim.checkoutRequestId, sim.receipt]);
  },
};

export const C2B_SCENARIOS: readonly Scenario[] = [validationAccept, validationReject, confirmation, duplicate, invalid, sameReceipt];
