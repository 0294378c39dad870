// The masks retention applies: table-driven, and each idempotent (masking twice is masking once).
import { describe, expect, test } from "bun:test";
import { maskIdentifier, maskName, maskParameters, maskParty, maskPhonesInText } from "../../../src/core/maintenance/masking.ts";

const cases: [string, (v: string) => string, string, string][] = [
  ["phone", maskIdentifier, "254708374149", "2547******49"],
  ["short number", maskIdentifier, "12345", "*****"],
  ["Safaricom's masked MSISDN", maskIdentifier, "2547 ***** 126", "2547 ***** 126"],
  ["hashed MSISDN", maskIdentifier, "a".repeat(60) + "beef", `aaaa${"*".repeat(58)}ef`],
  ["empty", maskIdentifier, "", ""],
  ["name", maskName, "JOHN", "J***"],
  ["accented name", maskName, "Élodie", "É***"],
  ["empty name", maskName, "", ""],
  ["party", maskParty, "254700000004 - TEST RECIPIENT", "2547******04 - T***"],
  ["organisation party", maskParty, "600000 - Safaricom B2C", "600000 - S***"],
  ["number alone", maskParty, "254700000004", "2547******04"],
  ["name alone", maskParty, "JANE DOE", "J***"],
  ["phones in a problem", maskPhonesInText, 'Item[3].Value: must be a phone number, got "254708374149x" or 0708374149', 'Item[3].Value: must be a phone number, got "2547******49x" or 0708****49'],
  ["a time is not a phone", maskPhonesInText, "got 20250115103112 and 1500", "got 20250115103112 and 1500"],
];

describe("masks", () => {
  test.each(cases)("%s", (_name, mask, input, expected) => {
    expect(mask(input)).toBe(expected);
    expect(mask(mask(input))).toBe(expected);
  });

  test("parameters: the personal ones masked, the rest kept as they were", () => {
    const json = JSON.stringify({ TransactionAmount: "500", ReceiverPartyPublicName: "254708374149 - John Doe", DebitPartyCharges: "", PartyB: 254708374149, B2CUtilityAccountAvailableFunds: "98500.00" });
    const masked = maskParameters(json);
    expect(JSON.parse(masked)).toEqual({ TransactionAmount: "500", ReceiverPartyPublicName: "2547******49 - J***", DebitPartyCharges: "", PartyB: "2547******49", B2CUtilityAccountAvailableFunds: "98500.00" });
    expect(maskParameters(masked)).toBe(masked);
    const none = JSON.stringify({ AccountBalance: "Working Account|KES|1.00|1.00|0.00|0.00" });
    expect(maskParameters(none)).toBe(none);
    expect(maskParameters("not json")).toBe("not json");
  });
});
