// Generates the variants of a JSON body that tolerant reading must read alike (issue 11): exactly one leaf's or one
// container's JSON type swapped. Used by the type-swap tests of every family.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every variant of `value` with one type swapped, each with a name for it; the top level stays an object. */
export function typeSwaps(value: Json): [string, Json][] {
  return swaps(value, "$").filter(([p]) => p !== "$: {…} → [{…}]"); // a body that is a list is no callback of any family
}

function swaps(value: Json, path: string): [string, Json][] {
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
