// The README's configuration table must name every setting the program reads: it is the operator's reference.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SETTINGS } from "../src/core/config.ts";

const readme = readFileSync(resolve(import.meta.dir, "../README.md"), "utf8");

test.each(Object.entries(SETTINGS).map(([name, s]) => [name, s.env, s.flag] as const))("README documents %s (%s, %s)", (_, env, flag) => {
  expect(readme).toContain(`\`${env}\``);
  expect(readme).toContain(`\`${flag}\``);
});

test("the two commands a newcomer runs are at the top", () => {
  const top = readme.split("\n").slice(0, 15).join("\n");
  expect(top).toContain("npm ci && npm start");
  expect(top).toContain("npm ci && npm test");
});
