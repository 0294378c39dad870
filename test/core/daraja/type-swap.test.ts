// Tolerant reading, proven by generation (issue 11): every accepted fixture of every family, with any one field's
// JSON type swapped (a number as a string, a numeric string as a number, a list of one as its element, a lone
// object as a list), parses to the same record, warnings included. So it stores the same outcome.
import { describe, expect, test } from "bun:test";
import { typeSwaps, type Json } from "../../support/type-swaps.ts";
import { FAMILIES } from "../../../src/core/daraja/registry.ts";

for (const family of FAMILIES) {
  describe(`${family.name}: every field's type swapped`, () => {
    const cases = family.fixtures.filter((f) => f.accepted).flatMap((f) => {
      const original = JSON.parse(f.body) as Json;
      return typeSwaps(original).map(([p, variant]) => [`${f.name} ${p}`, original, variant] as const);
    });
    test("there is something to swap", () => expect(cases.length).toBeGreaterThan(0));
    test.each(cases)("%s", (_, original, variant) => {
      const expected = family.parse(original);
      if (!expected.ok) throw new Error("an accepted fixture was rejected");
      expect(family.parse(variant)).toEqual(expected);
    });
  });
}
