// STK (M-Pesa Express) callbacks as a family: CheckoutRequestID identifies one; the original server's URL is kept.
import { defineFamily } from "../family.ts";
import { parseStkCallback, type StkCallback } from "./parse-stk.ts";
import { stkFixtures } from "./fixtures.ts";
import { formatKes } from "../../money.ts";
import { maskPhone } from "../../phone.ts";

export const STK_ROUTES = ["/mpesa/callback", "/stk/callback"] as const; // the original URL, and a neutral one Safaricom accepts
/** The original server's URL: existing Daraja registrations keep working. */
export const CALLBACK_PATH = STK_ROUTES[0];

export const stkFamily = defineFamily<StkCallback>({
  name: "stk",
  routes: STK_ROUTES,
  parse: parseStkCallback,
  keyOf: (cb) => cb.checkoutRequestId,
  warningsOf: (cb) => cb.warnings,
  logFields: (cb) => ({ key: cb.checkoutRequestId, resultCode: cb.resultCode, resultDesc: cb.resultDesc }),
  describe: (cb, outcome) => {
    const facts = [
      cb.amountCents === null ? null : formatKes(cb.amountCents),
      cb.receipt === null ? null : `receipt ${cb.receipt}`,
      cb.phone === null ? null : `phone ${maskPhone(cb.phone)}`,
    ].filter((f) => f !== null);
    return `payment ${cb.checkoutRequestId} ${cb.status} (code ${cb.resultCode})${facts.length > 0 ? ` ${facts.join(" ")}` : ""}: ${outcome}`;
  },
  acknowledge: (cb, outcome) => outcome === "refused"
    ? { ResultCode: 1, ResultDesc: "Rejected: no payment request of ours has this CheckoutRequestID (unsolicited)", CheckoutRequestID: cb.checkoutRequestId, outcome }
    : { ResultCode: 0, ResultDesc: outcome === "quarantined" ? "Accepted; kept for review" : "Accepted", CheckoutRequestID: cb.checkoutRequestId, outcome },
  rejection: "Rejected: not an identifiable STK callback",
  moneyOutcomes: new Set(["new", "updated"]),
  reviewOutcomes: new Set(["conflict", "late-success", "quarantined"]),
  fixtures: stkFixtures.map((f) => ({ name: f.name, body: f.body, accepted: f.expected.httpStatus === 200 })),
});
