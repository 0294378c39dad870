// Tolerant reading, proven by generation (issue 11): every accepted fixture of every family, with any one field's
// JSON type swapped (a number as a string, a numeric string as a number, a list of one as its element, a lone
// object as a list), parses to the same record, warnings included. So it stores the same outcome.
import { describe, expect, test } from "bun:test";
import { FAMILIES } from "../../../src/core/daraja/registry.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every variant of `value` with exactly one leaf's (or one container's) type swapped, and a name for it. */
function swaps(value: Json, path = "$"): [string, Json][] {
  const out: [string, Json][] = [];
  if (typeof value === "number") out.push([`${path}: number → string`, String(value)]);
  // "250.00" → 250, "0712345678" → 712345678: what a sender writing numbers would send.
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value) && Number.isSafeInteger(Math.trunc(Number(value)))) out.push([`${path}: string → number`, Number(value)]);
  if (Array.isArray(value)) {
    if (value.length === 1) out.push([`${path}: [x] → x`, value[0] as Json]);
    value.forEach((v, i) => { for (const [p, s] of swaps(v, `${path}[${i}]`)) out.push([p, value.map((x, j) => (j === i ? s : x))]); });
  } else if (value !== null && typeof value === "object") {
    out.push([`${path}: {…} → [{…}]`, [value]]);
    for (const [k, v] of Object.entries(value)) for (const [p, s] of swaps(v, `${path}.${k}`)) out.push([p, { ...value, [k]: s }]);
  }
  return out;
}

for (const family of FAMILIES) {
  describe(`${family.name}: every field's type swapped`, () => {
    const cases = family.fixtures.filter((f) => f.accepted).flatMap((f) => {
      const original = JSON.parse(f.body) as Json;
      // The top level must stay an object: a body that is a list is not a callback of any family.
      return swaps(original).filter(([p]) => p !== "$: {…} → [{…}]").map(([p, variant]) => [`${f.name} ${p}`, original, variant] as const);
    });
    test("there is something to swap", () => expect(cases.length).toBeGreaterThan(0));
    test.each(cases)("%s", (_, original, variant) => {
      const expected = family.parse(original);
      if (!expected.ok) throw new Error("an accepted fixture was rejected");
      expect(family.parse(variant)).toEqual(expected);
    });
  });
}
