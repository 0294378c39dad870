// Result-family callbacks as families, one per route: `/results/<api>` (Daraja's ResultURL) and `/timeouts/<api>`
// (its QueueTimeOutURL) for B2C, B2B, transaction status, account balance and reversal (SPEC §5–§9). A timeout and the
// result that follows it share their key (the OriginatorConversationID) and their key space, so they are written in
// arrival order, to one row. A timeout may echo the request, SecurityCredential included: `redact` takes every secret
// out of the raw body before it is spooled or logged.
import { defineFamily, type Family, type FamilyFixture } from "../family.ts";
import { formatKes } from "../../money.ts";
import { maskPhone, normalisePhone } from "../../phone.ts";
import { parseResult, parseTimeout, resultKey, type DarajaResult } from "./parse-result.ts";
import { RESULT_APIS, type ResultApi } from "./result-codes.ts";
import { resultFixtures } from "./fixtures.ts";
import { redactSecrets } from "./redact.ts";

export type ResultKind = DarajaResult["kind"];

/** Every key of every Result family is written in arrival order with the others of its API. */
export const RESULT_KEY_SPACE = "daraja-result";

const NAMES: Readonly<Record<ResultApi, string>> = { b2c: "B2C payout", b2b: "B2B payment", status: "transaction status", balance: "account balance", reversal: "reversal" };

export function resultFamilyName(api: ResultApi, kind: ResultKind): string {
  return `${api}-${kind}`;
}

export function resultRoute(api: ResultApi, kind: ResultKind): string {
  return `/${kind}s/${api}`;
}

function resultFamily(api: ResultApi, kind: ResultKind): Family<DarajaResult> {
  const parse = kind === "result" ? parseResult : parseTimeout;
  const what = kind === "result" ? `${NAMES[api]} result` : `${NAMES[api]} queue timeout`;
  return defineFamily<DarajaResult>({
    name: resultFamilyName(api, kind),
    routes: [resultRoute(api, kind)],
    keySpace: RESULT_KEY_SPACE,
    redact: redactSecrets,
    parse: (body) => parse(api, body),
    keyOf: (r) => `${api}:${resultKey(r)}`,
    warningsOf: (r) => r.warnings,
    logFields: (r) => ({ key: resultKey(r), resultCode: r.resultCode, resultDesc: r.resultDesc }),
    describe: (r, outcome) => {
      const facts = [
        r.amountCents === null ? null : formatKes(r.amountCents),
        r.transactionId === null ? null : `receipt ${r.transactionId}`,
        r.creditParty === null ? null : `to ${partyForLog(r.creditParty)}`,
      ].filter((f) => f !== null);
      return `${what} ${resultKey(r)} ${r.status}${r.resultCode === null ? "" : ` (code ${r.resultCode})`}${facts.length > 0 ? ` ${facts.join(" ")}` : ""}: ${outcome}`;
    },
    // Daraja reads nothing of the answer but its status (SPEC §1.3); the ids and outcome are for simulate and operators.
    acknowledge: (r, outcome) => ({
      ResultCode: 0, ResultDesc: outcome === "quarantined" ? "Accepted; kept for review" : "Accepted",
      OriginatorConversationID: r.originatorConversationId, ConversationID: r.conversationId, outcome,
    }),
    rejection: `Rejected: not an identifiable ${what} (it needs a Result with a ConversationID or an OriginatorConversationID)`,
    moneyOutcomes: new Set(["new", "updated", "late-result"]),
    reviewOutcomes: new Set(["conflict", "late-result", "quarantined"]),
    fixtures: resultFixtures.filter((f) => f.api === api && f.route === kind).map((f): FamilyFixture => ({ name: f.name, body: f.body, accepted: !("rejected" in f.expected) })),
  });
}

// "254700000004 - TEST RECIPIENT" → "2547******04": a person's number masked and name left out of the log (SPEC §7:
// parties are PII); a business's short code ("600000 - TEST SUPPLIER LTD") is shown as its number.
function partyForLog(party: string): string {
  const id = party.split(" - ")[0]?.trim() ?? "";
  const phone = normalisePhone(id);
  return phone === null ? (/^\d{5,7}$/.test(id) ? id : "(a party)") : maskPhone(phone);
}

/** The ten Result families: a result route and a timeout route per API. */
export const RESULT_FAMILIES: readonly Family<DarajaResult>[] = RESULT_APIS.flatMap((api) => [resultFamily(api, "result"), resultFamily(api, "timeout")]);
