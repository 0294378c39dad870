// C2B validation as a family: Safaricom asks whether to let a PayBill/till payment through (only with External
// Validation enabled, SPEC §4.1) and waits about 8 s. The answer is the decision kept with the request.
import { defineFamily } from "../family.ts";
import { parseC2b, type C2bPayment } from "./parse-c2b.ts";
import { c2bFixtures } from "./fixtures.ts";
import { formatKes } from "../../money.ts";
import type { Decision } from "../../ingest/batch-plan.ts";

/** What Daraja gets (SPEC §4.4): the code as a string, as the documentation writes it. */
export function validationAnswer(d: Decision | undefined): { ResultCode: string; ResultDesc: string } {
  return d === undefined || d.accept ? { ResultCode: "0", ResultDesc: "Accepted" } : { ResultCode: d.code, ResultDesc: "Rejected" };
}

export const c2bValidationFamily = defineFamily<C2bPayment>({
  name: "c2b-validation",
  routes: ["/c2b/validation"],
  parse: parseC2b,
  keyOf: (p) => p.transId,
  warningsOf: (p) => p.warnings,
  logFields: (p) => ({ key: p.transId, resultCode: null, resultDesc: p.transactionType }),
  describe: (p, outcome) => `c2b validation ${p.transId} ${p.amountCents === null ? "no usable amount" : formatKes(p.amountCents)}${p.billRefNumber === null ? "" : ` account ${p.billRefNumber}`}: ${outcome}`,
  acknowledge: (p, outcome, request) => ({ ...validationAnswer(request.decision), TransID: p.transId, outcome, rule: request.decision?.rule }),
  // A request that names no payment cannot be let through: Other Error (C2B00016), in a body Daraja can read.
  reject: (problems) => ({ ResultCode: "C2B00016", ResultDesc: "Rejected", errors: problems }),
  rejection: "Rejected: not an identifiable C2B validation request (it needs a TransID)",
  moneyOutcomes: new Set(["accepted", "declined"]),
  reviewOutcomes: new Set(["quarantined"]),
  fixtures: c2bFixtures.filter((f) => f.route === "/c2b/validation").map((f) => ({ name: f.name, body: f.body, accepted: true })),
});
