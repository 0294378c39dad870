// STK ResultCode → payment status (SPEC §2.4): documented codes from the table, the rest Unknown.
import { describe, expect, test } from "bun:test";
import { STK_RESULT_STATUS, statusForResultCode } from "../../src/core/payment.ts";

describe("statusForResultCode", () => {
  test.each([
    ["0", true, "Success"],
    ["0", false, "Unknown"], // a success without amount and receipt is not a payment
    ["1032", false, "Cancelled"],
    ["1037", false, "Timeout"],
    ["1019", false, "Expired"],
    ...["1", "2", "3", "4", "8", "17", "26", "1001", "1025", "1031", "1036", "2001", "2028", "8006", "9999", "SFC_IC0003"]
      .map((code) => [code, false, "Failed"] as const),
    ["1032", true, "Cancelled"], // metadata never turns a failure into a success
    ["7777", true, "Unknown"],
    ["4999", false, "Unknown"], // STK Query's "still processing", not a callback code
    ["00", true, "Unknown"], // not "0": kept as sent, never guessed
    ["sfc_ic0003", false, "Unknown"],
    ["constructor", true, "Unknown"], // no inherited keys of the table
    ["__proto__", true, "Unknown"],
    ["toString", true, "Unknown"],
    ["", true, "Unknown"],
  ] as const)("%p (usable data: %p) → %p", (code, usable, status) => {
    expect(statusForResultCode(code, usable)).toBe(status);
  });

  test("the table lists exactly the documented codes", () => {
    expect(Object.keys(STK_RESULT_STATUS).sort()).toEqual(
      ["0", "1", "2", "3", "4", "8", "17", "26", "1001", "1019", "1025", "1031", "1032", "1036", "1037", "2001", "2028", "8006", "9999", "SFC_IC0003"].sort(),
    );
  });

  test("the table cannot be changed at run time", () => {
    expect(Object.isFrozen(STK_RESULT_STATUS)).toBe(true);
  });
});
