// What a Result-family ResultCode means (SPEC §6–§9): success is "0" only; documented failure codes per API;
// any other code is Unknown, to be reconciled, never guessed as Failed (SPEC §11).
export type ResultApi = "b2c" | "b2b" | "status" | "balance" | "reversal";
export type ResultStatus = "Success" | "Failed" | "Timeout" | "Unknown";

export const RESULT_APIS: readonly ResultApi[] = ["b2c", "b2b", "status", "balance", "reversal"];

// Initiator and account codes the B2C and reversal tables share (SPEC §6, §9); assumed to hold for every API the
// same initiator calls (B2B and status have no table of their own in the reference).
const INITIATOR = ["1", "11", "21", "2001", "2006", "2028", "8006"];
const BALANCE_INTERNAL = ["15", "17", "18", "19", "20", "21", "22", "24", "25", "26", "29"];

const FAILED: Readonly<Record<ResultApi, ReadonlySet<string>>> = {
  // 1 insufficient balance, 2 below min, 3 above max, 4 daily limit, 8 receiver max balance, 2040 unregistered receiver,
  // SFC_IC0003 no such operator (phone).
  b2c: new Set([...INITIATOR, "2", "3", "4", "8", "2040", "SFC_IC0003"]),
  b2b: new Set([...INITIATOR, "SFC_IC0003"]),
  // The QUERY failed: says nothing about the queried transaction.
  status: new Set([...INITIATOR, "SFC_IC0003"]),
  balance: new Set([...INITIATOR, ...BALANCE_INTERNAL, ...Array.from({ length: 12 }, (_, i) => String(100_000_000 + i))]),
  // R000001 already reversed, R000002 invalid original transaction.
  reversal: new Set([...INITIATOR, "R000001", "R000002"]),
};

/** The status a result with this code records; a timeout body is always "Timeout" (the caller says so). */
export function statusForResult(api: ResultApi, code: string | null): ResultStatus {
  if (code === "0") return "Success";
  return code !== null && FAILED[api].has(code) ? "Failed" : "Unknown";
}
