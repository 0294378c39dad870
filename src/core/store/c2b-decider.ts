// The decision on a C2B validation request: the rules that need no database first, then the known-accounts rule
// with a bounded lookup; when the database does not answer in time, MPESA_CB_C2B_VALIDATION_FALLBACK decides.
import { QueryTypes } from "sequelize";
import type { Database } from "./database.ts";
import type { C2bPayment } from "../daraja/c2b/parse-c2b.ts";
import { checkStaticRules, decideKnownAccount, type ValidationRules } from "../daraja/c2b/validation-rules.ts";
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
      if (fixed !== null) return { ...fixed, code: fixed.accept ? "0" : fixed.code, fallback: false };
      if (!o.rules.knownAccounts) return { accept: true, code: "0", rule: "rules-passed", fallback: false };
      try {
        // Half the bound for the lookup: the other half is for recording the decision.
        const d = decideKnownAccount(await withTimeout(isKnown(p.billRefNumber), Math.floor(o.timeoutMs / 2)));
        return { ...d, code: d.accept ? "0" : d.code, fallback: false };
      } catch {
        // Could not check: the operator's fallback; C2B00016 (Other Error) when it rejects, since nothing was found wrong.
        return o.fallback === "accept" ? { accept: true, code: "0", rule: "known-account", fallback: true } : { accept: false, code: "C2B00016", rule: "known-account", fallback: true };
      }
    },
  };
}
