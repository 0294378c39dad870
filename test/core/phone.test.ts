// Phone numbers stay digit strings; logs show them masked.
import { describe, expect, test } from "bun:test";
import { maskPhone, normalisePhone } from "../../src/core/phone.ts";

describe("normalisePhone", () => {
  test.each([
    [254708374149, "254708374149"], // Daraja sends a JSON number
    ["254708374149", "254708374149"],
    [" 254708374149 ", "254708374149"],
    [254110000001, "254110000001"], // 2541… numbers exist (011x prefixes): no 2547 rule
    ["0712345678", "254712345678"], // a Kenyan local number takes the 254 form
    ["712345678", "254712345678"], // 9 digits: the same number without its 0
    ["0110000001", "254110000001"],
    ["+254708374149", "254708374149"], // as people write it
    ["+254 708 374 149", "254708374149"],
    ["2547 0837 4149", "254708374149"],
    ["0708-374149", "254708374149"],
    ["812345678", "812345678"], // 9 digits, not a Kenyan mobile: kept as sent
    ["123456789012345", "123456789012345"], // 15 digits
  ] as const)("%p → %p", (input, phone) => {
    expect(normalisePhone(input)).toBe(phone);
  });

  test.each([
    ["71234567"], // 8 digits
    ["1234567890123456"], // 16 digits
    ["2547******49"], ["2547 ***** 126"], ["++254708374149"], ["abc"], [""],
    [254708374149.5], [-254708374149], [Number.NaN], [1e20], [null], [undefined], [{}],
  ] as const)("%p → null", (input) => {
    expect(normalisePhone(input)).toBeNull();
  });
});

describe("maskPhone", () => {
  test.each([
    ["254700000049", "2547******49"],
    ["254110000001", "2541******01"],
    ["712345678", "7123***78"],
    ["1234567", "1234*67"],
    ["123456", "******"], // too short to show anything safely
    ["", ""],
  ] as const)("%p → %p", (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
