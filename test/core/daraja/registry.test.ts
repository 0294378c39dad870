// The family registry: every family has fixtures embedded from its folder, no two families claim a route, and each
// fixture gets its documented answer from its family's parser.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FAMILIES } from "../../../src/core/daraja/registry.ts";
import { parseJson } from "../../../src/core/daraja/parse-json.ts";
import { c2bFixtures } from "../../../src/core/daraja/c2b/fixtures.ts";

const C2B_DIR = join(import.meta.dir, "../../../src/core/daraja/c2b/fixtures");

describe("family registry", () => {
  test("names and routes are unique across families", () => {
    expect(new Set(FAMILIES.map((f) => f.name)).size).toBe(FAMILIES.length);
    const routes = FAMILIES.flatMap((f) => f.routes);
    expect(new Set(routes).size).toBe(routes.length);
  });

  test.each(FAMILIES.map((f) => [f.name, f] as const))("%s has fixtures, at least one of them accepted", (_, family) => {
    expect(family.fixtures.filter((f) => f.accepted).length).toBeGreaterThan(0);
  });

  test.each(FAMILIES.flatMap((family) => family.fixtures.map((f) => [family.name, f.name, family, f] as const)))("%s: %s gets its documented answer", (_, __, family, fixture) => {
    const json = parseJson(fixture.body);
    expect(json.ok && family.parse(json.value).ok).toBe(fixture.accepted);
  });

  test("the C2B registry lists every C2B fixture file, with its exact bytes", () => {
    const files = readdirSync(C2B_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
    expect(c2bFixtures.map((f) => f.name).sort()).toEqual(files);
    for (const f of c2bFixtures) expect(f.body).toBe(readFileSync(join(C2B_DIR, `${f.name}.json`), "utf8"));
  });
});
