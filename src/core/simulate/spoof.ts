// Spoof scenarios (issue 7): what a forger can try against a public callback URL, and how a correct server answers.
// The right answer depends on the server's settings, so each accepts every answer a correct server can give and
// says which one it saw; anything else fails.
import { randomBytes } from "node:crypto";
import { CALLBACK_PATH } from "../daraja/stk/family.ts";
import { freshCallback } from "./fresh-callbacks.ts";
import { getJson, postCallback, type Reply, type Target } from "./http.ts";
import { failed, passed, type Scenario } from "./scenario.ts";
import { showReply } from "./checks.ts";

const outcomeOf = (r: Reply) => (typeof r.json?.outcome === "string" ? r.json.outcome : null);

/** A callback at /mpesa/callback/<a token nobody configured>: never a callback route (404), never stored. */
const wrongToken: Scenario = {
  name: "spoof-wrong-token", description: "a callback at a guessed path token is answered 404 and not stored", smoke: false,
  async run({ target, ids }) {
    const sim = ids.next();
    const reply = await postCallback({ ...target, callbackPath: `${CALLBACK_PATH}/${randomBytes(12).toString("hex")}` }, freshCallback("stk_success", sim));
    return reply.status === 404 ? passed("404 for a guessed token") : failed(`expected 404 for a guessed path token, got ${showReply(reply)} — anyone could post at any token`, [sim.checkoutRequestId]);
  },
};

async function unlistedCount(target: Target): Promise<number | null> {
  const health = await getJson(target, "/health");
  const security = health.json?.security as { unlistedSource?: unknown } | undefined;
  return typeof security?.unlistedSource === "number" ? security.unlistedSource : null;
}

/** A success claiming (X-Forwarded-For) a source off Safaricom's list: 403 (enforce), or accepted and counted (report). */
const unlistedSource: Scenario = {
  name: "spoof-source", description: "a callback from an address off the allowlist: 403 (enforce) or accepted and counted in /health (report)", smoke: false,
  async run({ target, ids }) {
    const sim = ids.next();
    const before = await unlistedCount(target);
    const reply = await postCallback({ ...target, forwardedFor: `203.0.113.${1 + (randomBytes(1)[0] ?? 0) % 250}` }, freshCallback("stk_success", sim));
    const after = await unlistedCount(target);
    if (reply.status === 403) return passed("refused with 403 (enforce mode)");
    const counted = before !== null && after !== null && after > before;
    if (reply.status === 200 && counted) return passed("accepted and counted as unlisted (report mode)", [sim.checkoutRequestId]);
    if (reply.status === 200 && before === null) return passed("accepted; this server reports no source checks (allowlist off or an older mpesa-cb)", [sim.checkoutRequestId]);
    return failed(`expected 403, or 200 counted in /health security.unlistedSource, got ${showReply(reply)} (count ${before} → ${after}) — or the allowlist is off`, [sim.checkoutRequestId]);
  },
};

/** A success for a CheckoutRequestID no payment request of ours has: flagged (200, new) or refused (403). */
const unsolicited: Scenario = {
  name: "spoof-unsolicited", description: "a success we never asked for: stored and flagged unsolicited (200) or refused (403, MPESA_CB_UNSOLICITED=reject)", smoke: false,
  async run({ target, ids }) {
    const sim = ids.next();
    const reply = await postCallback(target, freshCallback("stk_success", sim));
    if (reply.status === 200 && outcomeOf(reply) === "new") return passed("accepted and flagged (verdict unsolicited)", [sim.checkoutRequestId]);
    if (reply.status === 403 && outcomeOf(reply) === "refused") return passed("refused (MPESA_CB_UNSOLICITED=reject)");
    return failed(`expected 200 "new" or 403 "refused", got ${showReply(reply)}`, [sim.checkoutRequestId]);
  },
};

export const SPOOF_SCENARIOS: readonly Scenario[] = [wrongToken, unlistedSource, unsolicited];
