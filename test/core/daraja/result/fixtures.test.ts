// Every Result-family fixture file is in the registry (and back), byte for byte, and each one parses to what the
// registry says a correct parser reads from it.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resultFixtures } from "../../../../src/core/daraja/result/fixtures.ts";
import { parseResult, parseTimeout, resultKey } from "../../../../src/core/daraja/result/parse-result.ts";
import { parseJson } from "../../../../src/core/daraja/parse-json.ts";

const DIR = join(import.meta.dir, "../../../../src/core/daraja/result/fixtures");
const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)).sort();

describe("fixture registry", () => {
  test("lists every .json file in the fixtures folder, and nothing else", () => {
    expect(resultFixtures.map((f) => f.name).sort()).toEqual(files);
  });

  test.each(resultFixtures.map((f) => [f.name, f] as const))("%s embeds the file's exact bytes", (name, fixture) => {
    expect(fixture.body).toBe(readFileSync(join(DIR, `${name}.json`), "utf8"));
  });
});

describe("each fixture reads as documented", () => {
  test.each(resultFixtures.map((f) => [f.name, f] as const))("%s", (_, { body, api, route, expected }) => {
    const json = parseJson(body);
    if (!json.ok) throw new Error("a Result fixture is not JSON");
    const result = (route === "result" ? parseResult : parseTimeout)(api, json.value);
    if ("rejected" in expected) {
      expect(result.ok ? [] : result.problems.map((p) => p.path).sort()).toEqual([...expected.rejected].sort());
      return;
    }
    if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.problems)}`);
    const r = result.value;
    expect({
      key: resultKey(r), originatorConversationId: r.originatorConversationId, conversationId: r.conversationId, transactionId: r.transactionId,
      resultCode: r.resultCode, status: r.status, amountCents: r.amountCents, creditParty: r.creditParty, debitParty: r.debitParty,
      completedAtUtc: r.completedAt?.toISOString() ?? null, parameters: r.parameters,
      ...(expected.b2cBalances ? { b2cBalances: r.b2cBalances } : {}), ...(expected.accounts ? { accounts: r.accounts } : {}),
    }).toEqual(expected);
    expect([r.api, r.kind]).toEqual([api, route]);
    expect(r.warnings).toEqual([]); // the reference's samples are all well-formed
  });

  test("the rejected fixture names what is wrong and where it belongs", () => {
    const f = resultFixtures.find((x) => x.name === "result_missing_result_key");
    const r = parseResult("b2c", JSON.parse(f?.body ?? "{}"));
    expect(r.ok ? "" : r.problems[0]?.message).toContain("wraps them in Result");
  });
});
