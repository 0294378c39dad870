// C2B confirmations as a family: Safaricom's notice that a PayBill or till payment completed (SPEC §4.1), identified
// by its TransID, the M-Pesa receipt. Answered {"ResultCode":0,"ResultDesc":"Success"} once stored.
import { defineFamily } from "../family.ts";
import { parseC2b, type C2bPayment } from "./parse-c2b.ts";
import { c2bFixtures } from "./fixtures.ts";
import { formatKes } from "../../money.ts";
import { maskPhone } from "../../phone.ts";

export const c2bConfirmationFamily = defineFamily<C2bPayment>({
  name: "c2b-confirmation",
  routes: ["/c2b/confirmation"],
  parse: parseC2b,
  keyOf: (p) => p.transId,
  warningsOf: (p) => p.warnings,
  logFields: (p) => ({ key: p.transId, resultCode: null, resultDesc: p.transactionType }),
  describe: (p, outcome) => {
    const facts = [
      p.amountCents === null ? "no usable amount" : formatKes(p.amountCents),
      p.billRefNumber === null ? null : `account ${p.billRefNumber}`,
      p.msisdn === null ? null : `phone ${p.msisdnKind === "plain" ? maskPhone(p.msisdn) : p.msisdnKind ?? "unreadable"}`,
    ].filter((f) => f !== null);
    return `c2b payment ${p.transId} ${facts.join(" ")}: ${outcome}`;
  },
  // Daraja reads only ResultCode/ResultDesc (SPEC §4.4); TransID and outcome tell simulate and operators what happened.
  acknowledge: (p, outcome) => ({ ResultCode: 0, ResultDesc: outcome === "quarantined" ? "Success; kept for review" : "Success", TransID: p.transId, outcome }),
  rejection: "Rejected: not an identifiable C2B confirmation (it needs a TransID)",
  moneyOutcomes: new Set(["new", "linked"]),
  reviewOutcomes: new Set(["quarantined"]),
  fixtures: c2bFixtures.filter((f) => f.route === "/c2b/confirmation").map((f) => ({ name: f.name, body: f.body, accepted: true })),
});
