// The decision on a C2B validation request: the rules that need no database first, then the known-accounts rule
// with a bounded lookup; when the database does not answer in time, MPESA_CB_C2B_VALIDATION_FALLBACK decides.
import { QueryTypes } from "sequelize";
import type { Database } from "./database.ts";
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import { accepted, checkStaticRules, decideKnownAccount, rejected, type ValidationRules } from "../daraja/c2b/validation-rules.ts";
import type { Decision } from "../ingest/batch-plan.ts";
import type { Decider } from "../ingest/ingest.ts";
import { withTimeout } from "../with-timeout.ts";

export interface C2bDeciderOptions {
  rules: ValidationRules;
  timeoutMs: number; // Daraja's answer goes out within this
  fallback: "accept" | "reject";
}

export function createC2bDecider(db: Database, o: C2bDeciderOptions): Decider {
  const isKnown = async (account: string | null): Promise<boolean> => {
    if (account === null) return false;
    const rows = await db.sequelize.query("SELECT 1 AS found FROM c2b_accounts WHERE account_number = ?", { replacements: [account], type: QueryTypes.SELECT });
    return rows.length > 0;
  };
  return {
    answerWithinMs: o.timeoutMs,
    async decide(record: unknown): Promise<Decision> {
      const p = record as C2bPayment;
      const fixed = checkStaticRules(p, o.rules);
      if (fixed !== null) return fixed;
      if (!o.rules.knownAccounts) return accepted("rules-passed");
      try {
        // Half the bound for the lookup: the other half is for recording the decision.
        return decideKnownAccount(await withTimeout(isKnown(p.billRefNumber), Math.floor(o.timeoutMs / 2)));
      } catch {
        // Could not check: the operator's fallback; C2B00016 (Other Error) when it rejects, since nothing was found wrong.
        return o.fallback === "accept" ? accepted("known-account", true) : rejected("C2B00016", "known-account", true);
      }
    },
  };
}
