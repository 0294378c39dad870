// Daraja's balance string (SPEC §8): every well-formed account in cents, signs kept; a malformed part is skipped and
// named, never guessed.
import { describe, expect, test } from "bun:test";
import { parseAccountBalance, parseSignedCents } from "../../../../src/core/daraja/result/account-balance.ts";
import { parseResult } from "../../../../src/core/daraja/result/parse-result.ts";

const acc = (name: string, c: number, a = c, r = 0, u = 0) => ({ name, currency: "KES", currentCents: c, availableCents: a, reservedCents: r, unclearedCents: u });

describe("parseAccountBalance", () => {
  test.each<[string, string, ReturnType<typeof acc>[], number]>([
    ["one account", "Working Account|KES|481000.00|481000.00|0.00|0.00", [acc("Working Account", 48_100_000)], 0],
    ["several, in the order sent", "Working Account|KES|700000.00|690000.50|10000.25|-0.75&Utility Account|KES|8750|8750.00|0|0",
      [acc("Working Account", 70_000_000, 69_000_050, 1_000_025, -75), acc("Utility Account", 875_000)], 0],
    ["a negative Charges Paid Account", "Charges Paid Account|KES|-33.00|-33.00|0.00|0.00", [acc("Charges Paid Account", -3300)], 0],
    ["blanks around fields", " Float Account | KES | 1.5 | 1.50 | 0 | 0 ", [acc("Float Account", 150)], 0],
    ["a stray token of the old sample (SPEC §8)", "Working Account|KES|1.00|1.00|0.00|0.00&0.008&Float Account|KES|0.00|0.00|0.00|0.00", [acc("Working Account", 100), acc("Float Account", 0)], 1],
    ["too few fields", "Working Account|KES|1.00|1.00|0.00", [], 1],
    ["too many fields", "Working Account|KES|1.00|1.00|0.00|0.00|9", [], 1],
    ["an amount that is not one", "Working Account|KES|lots|1.00|0.00|0.00&Utility Account|KES|1.00|1.00|0.00|0.00", [acc("Utility Account", 100)], 1],
    ["a third decimal", "Working Account|KES|1.005|1.00|0.00|0.00", [], 1],
    ["no account type", "|KES|1.00|1.00|0.00|0.00", [], 1],
    ["no currency", "Working Account||1.00|1.00|0.00|0.00", [], 1],
    ["an account type longer than its column (60)", `${"W".repeat(61)}|KES|1.00|1.00|0.00|0.00&Utility Account|KES|1.00|1.00|0.00|0.00`, [acc("Utility Account", 100)], 1],
    ["empty parts (a trailing &)", "Working Account|KES|1.00|1.00|0.00|0.00&", [acc("Working Account", 100)], 1],
    ["nothing at all", "", [], 1],
  ])("%s", (_, text, accounts, notes) => {
    const read = parseAccountBalance(text);
    expect(read.accounts).toEqual(accounts);
    expect(read.notes.length).toBe(notes);
  });

  test("a note says which part and why", () => {
    expect(parseAccountBalance("Working Account|KES|1.00").notes).toEqual([
      'account 1 ("Working Account|KES|1.00") has 3 fields, expected 6 (type|currency|current|available|reserved|uncleared)',
    ]);
  });
});

describe("parseSignedCents", () => {
  test.each<[unknown, number | null]>([[-33, -3300], ["-33.00", -3300], ["0.00", 0], [98500, 9_850_000], ["1.5", 150], ["--1", null], ["+1", null], ["1e3", null], ["", null], [null, null]])(
    "%p → %p", (v, cents) => expect(parseSignedCents(v)).toBe(cents));
});

test("a balance result with a malformed account keeps the others and warns at the AccountBalance item", () => {
  const r = parseResult("balance", { Result: { ResultCode: "0", ConversationID: "AG_1", ResultParameters: { ResultParameter: [
    { Key: "BOCompletedTime", Value: 20250115124500 },
    { Key: "AccountBalance", Value: "Working Account|KES|1.00|1.00|0.00|0.00&Utility Account|KES|x|1.00|0.00|0.00" },
  ] } } });
  if (!r.ok) throw new Error("rejected");
  expect(r.value.accounts).toEqual([acc("Working Account", 100)]);
  expect(r.value.warnings.map((w) => w.path)).toEqual(["Result.ResultParameters.ResultParameter[1].Value"]);
});
