// Amounts to integer cents through their decimal text; KES formatting for people.
import { describe, expect, test } from "bun:test";
import { formatKes, parseAmountToCents } from "../../src/core/money.ts";

describe("parseAmountToCents", () => {
  test.each([
    [1, 100],
    [1.0, 100], // Daraja writes `1.00`; JSON.parse yields 1
    [1500.5, 150050],
    [0.1, 10],
    [0.29, 29], // 0.29 * 100 is 28.999999999999996 in floating point
    [1.15, 115], // 1.15 * 100 is 114.99999999999999
    [0, 0],
    [-0, 0],
    ["250.00", 25000],
    [" 5 ", 500],
    ["5.5", 550],
    ["007.50", 750],
    ["1500.500", 150050], // extra zero decimals change nothing
    ["99999999.99", 9999999999],
    ["90071992547409.91", 9007199254740991], // the largest exact number of cents
  ] as const)("%p → %p cents", (input, cents) => {
    expect(parseAmountToCents(input)).toBe(cents);
  });

  test.each([
    ["abc"], [""], ["  "], ["1.005"], [1.005], ["-1"], [-1], ["1e3"], [1e21], [1e-7],
    [Number.NaN], [Number.POSITIVE_INFINITY], ["NaN"], ["1,500.00"], ["+5"], [".5"], ["5."], ["0x10"],
    ["90071992547409.92"], [null], [undefined], [true], [{}], [[1]], [0.1 + 0.2],
  ] as const)("%p → null", (input) => {
    expect(parseAmountToCents(input)).toBeNull();
  });
});

describe("formatKes", () => {
  test.each([
    [150000, "KES 1,500.00"],
    [100, "KES 1.00"],
    [5, "KES 0.05"],
    [0, "KES 0.00"],
    [99999999, "KES 999,999.99"],
    [123456789012, "KES 1,234,567,890.12"],
    [-2550, "KES -25.50"],
  ] as const)("%p → %p", (cents, text) => {
    expect(formatKes(cents)).toBe(text);
  });

  test("refuses a fractional number of cents", () => {
    expect(() => formatKes(1.5)).toThrow(RangeError);
  });
});
