// Scenarios of more than one request: copies of one callback at once, and a success after a timeout.
import { checkAck } from "./checks.ts";
import { freshCallback } from "./fresh-callbacks.ts";
import { postCallback } from "./http.ts";
import { failed, passed, type Scenario } from "./scenario.ts";

/** N identical copies at the same moment: every copy acknowledged, exactly one stored as new (DESIGN promise 2). */
export const duplicateBurst: Scenario = {
  name: "duplicate-burst",
  description: "the same successful payment sent N times at once (--burst): all 200, exactly one \"new\", the rest \"duplicate\"",
  smoke: false,
  async run({ target, ids, burst }) {
    const sim = ids.next();
    const body = freshCallback("stk_success", sim);
    const replies = await Promise.all(Array.from({ length: burst }, () => postCallback(target, body)));
    const id = sim.checkoutRequestId;
    const wrong = replies.map((r) => checkAck(r, id)).find((p) => p !== null);
    if (wrong !== undefined) return failed(`a copy was not acknowledged: ${wrong}`, [id]);
    const outcomes = replies.map((r) => (typeof r.json?.outcome === "string" ? r.json.outcome : "(no outcome)"));
    const news = outcomes.filter((o) => o === "new").length;
    const duplicates = outcomes.filter((o) => o === "duplicate").length;
    if (news === 1 && duplicates === burst - 1) return passed(`${burst} copies of ${id}: 1 new, ${duplicates} duplicate`, [id]);
    return failed(`expected 1 "new" and ${burst - 1} "duplicate" among ${burst} copies of ${id}, got ${tally(outcomes)}`
      + " — the server does not deduplicate by CheckoutRequestID", [id]);
  },
};

/** A timeout (1037), then a success for the same request: kept and flagged as a late success (DESIGN promise 3). */
export const lateSuccess: Scenario = {
  name: "late-success",
  description: "a timeout (1037), then a success for the same request: the second answer says \"late-success\"",
  smoke: false,
  async run({ target, ids }) {
    const sim = ids.next();
    const id = sim.checkoutRequestId;
    const first = checkAck(await postCallback(target, freshCallback("stk_timeout_1037", sim)), id, "new");
    if (first !== null) return failed(`the timeout (first callback): ${first}`, [id]);
    const second = checkAck(await postCallback(target, freshCallback("stk_success", sim)), id, "late-success");
    if (second !== null) return failed(`the success after the timeout: ${second}`, [id]);
    return passed(`${id}: timeout stored, then the success kept and flagged late-success`, [id]);
  },
};

function tally(outcomes: string[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts].map(([o, n]) => `${n}× ${o}`).join(", ");
}
