// Every fixture file is in the registry (and back), and each one parses to its documented outcome.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stkFixtures } from "../../../../src/core/daraja/stk/fixtures.ts";
import { parseStkCallback } from "../../../../src/core/daraja/stk/parse-stk.ts";
import { parseJson } from "../../../../src/core/daraja/parse-json.ts";

const DIR = join(import.meta.dir, "../../../../src/core/daraja/stk/fixtures");
const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)).sort();

describe("fixture registry", () => {
  test("lists every .json file in the fixtures folder, and nothing else", () => {
    expect(stkFixtures.map((f) => f.name).sort()).toEqual(files);
  });

  test("names are unique", () => {
    expect(new Set(stkFixtures.map((f) => f.name)).size).toBe(stkFixtures.length);
  });

  test.each(stkFixtures.map((f) => [f.name, f] as const))("%s embeds the file's exact bytes", (name, fixture) => {
    expect(fixture.body).toBe(readFileSync(join(DIR, `${name}.json`), "utf8"));
  });

  test("the invalid-JSON fixture is still invalid", () => {
    expect(() => JSON.parse(readFileSync(join(DIR, "stk_invalid_json.json"), "utf8"))).toThrow();
  });
});

describe("each fixture gets its documented outcome", () => {
  test.each(stkFixtures.map((f) => [f.name, f] as const))("%s", (_, { body, expected }) => {
    const json = parseJson(body);
    const result = json.ok ? parseStkCallback(json.value) : json;
    if (expected.httpStatus === 400) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => p.path).sort()).toEqual([...(expected.problemPaths ?? [])].sort());
      return;
    }
    if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.problems)}`);
    const cb = result.value;
    expect<string | undefined>(cb.status).toBe(expected.status); // a 200 fixture must state its status
    expect<string | undefined>(cb.resultCode).toBe(expected.resultCode);
    expect(cb.amountCents).toBe(expected.amountCents ?? null);
    expect(cb.receipt).toBe(expected.receipt ?? null);
    expect(cb.phone).toBe(expected.phone ?? null);
    expect(cb.transactionDate?.toISOString() ?? null).toBe(expected.transactionDateUtc ?? null);
  });

  test("a 400 fixture names at least one problem path", () => {
    for (const f of stkFixtures.filter((x) => x.expected.httpStatus === 400)) expect(f.expected.problemPaths?.length ?? 0).toBeGreaterThan(0);
  });
});
