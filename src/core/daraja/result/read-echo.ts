// A queue timeout that echoes the original request (assumption B of SPEC §6.1): ids at the top level, the request's
// own fields kept as parameters (its amount and parties are what was ASKED for), every secret dropped.
import { fail, ok, type Problem, type Result } from "../../result.ts";
import { readText } from "../tolerant.ts";
import type { DarajaResult } from "./parse-result.ts";
import type { ResultApi } from "./result-codes.ts";
import { readResultFields } from "./result-fields.ts";
import { readCode, readIds, readResultDesc, unidentified } from "./result-text.ts";
import { isSecretKey } from "./redact.ts";

export function readTimeoutEcho(api: ResultApi, b: Record<string, unknown>, warnings: Problem[]): Result<DarajaResult> {
  const ids = readIds(b);
  if (ids === null) return fail([unidentified("")]);
  const values: Record<string, string> = {};
  const paths = new Map<string, string>();
  for (const [key, v] of Object.entries(b)) {
    const t = readText(v);
    if (t === null || isSecretKey(key)) continue; // SecurityCredential, InitiatorName: never kept
    values[key] = t;
    paths.set(key, key);
  }
  const { amountCents, creditParty, debitParty } = readResultFields("echo", { values, paths }, warnings);
  return ok({
    api, kind: "timeout", ...ids, transactionId: null, resultType: null, resultCode: readCode(b.ResultCode),
    resultDesc: readResultDesc(b.ResultDesc, "ResultDesc", warnings), status: "Timeout",
    amountCents, creditParty, debitParty, completedAt: null, b2cBalances: null, accounts: [],
    parameters: values, referenceData: {}, warnings,
  });
}
