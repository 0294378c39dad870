// Tolerant reading, proven by generation (as test/core/daraja/type-swap.test.ts does for registered families): every
// accepted Result-family fixture, with any one field's JSON type swapped (a number as a string, a numeric string as a
// number, a list of one as its element, a lone object as a list), reads to the same record, warnings included.
import { describe, expect, test } from "bun:test";
import { typeSwaps, type Json } from "../../../support/type-swaps.ts";
import { resultFixtures } from "../../../../src/core/daraja/result/fixtures.ts";
import { parseResult, parseTimeout } from "../../../../src/core/daraja/result/parse-result.ts";

describe("Result family: every field's type swapped", () => {
  const cases = resultFixtures.filter((f) => !("rejected" in f.expected)).flatMap((f) => {
    const parse = (body: unknown) => (f.route === "result" ? parseResult : parseTimeout)(f.api, body);
    const original = JSON.parse(f.body) as Json;
    return typeSwaps(original).map(([p, variant]) => [`${f.name} ${p}`, parse, original, variant] as const);
  });
  test("there is something to swap in every accepted fixture", () => {
    expect(new Set(cases.map(([name]) => name.split(" ")[0])).size).toBe(resultFixtures.filter((f) => !("rejected" in f.expected)).length);
    expect(cases.length).toBeGreaterThan(50);
  });
  test.each(cases)("%s", (_, parse, original, variant) => {
    const expected = parse(original);
    if (!expected.ok) throw new Error("an accepted fixture was rejected");
    expect(parse(variant)).toEqual(expected);
  });
});
