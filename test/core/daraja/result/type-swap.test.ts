// Tolerant reading, proven by generation (as test/core/daraja/type-swap.test.ts does for registered families): every
// accepted Result-family fixture, with any one field's JSON type swapped (a number as a string, a numeric string as a
// number, a list of one as its element, a lone object as a list), reads to the same record, warnings included.
import { describe, expect, test } from "bun:test";
import { resultFixtures } from "../../../../src/core/daraja/result/fixtures.ts";
import { parseResult, parseTimeout } from "../../../../src/core/daraja/result/parse-result.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every variant of `value` with exactly one leaf's (or one container's) type swapped, and a name for it. */
function swaps(value: Json, path = "$"): [string, Json][] {
  const out: [string, Json][] = [];
  if (typeof value === "number") out.push([`${path}: number → string`, String(value)]);
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

describe("Result family: every field's type swapped", () => {
  const cases = resultFixtures.filter((f) => !("rejected" in f.expected)).flatMap((f) => {
    const parse = (body: unknown) => (f.route === "result" ? parseResult : parseTimeout)(f.api, body);
    const original = JSON.parse(f.body) as Json;
    return swaps(original).filter(([p]) => p !== "$: {…} → [{…}]").map(([p, variant]) => [`${f.name} ${p}`, parse, original, variant] as const);
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
