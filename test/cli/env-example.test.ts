// packaging/mpesa-cb.env.example is the operator's settings file: it names every setting, a commented-out line shows
// the real default, and the file as shipped is a valid configuration (read as --env-file reads it).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnvFile } from "../../src/cli/env-file.ts";
import { parseConfig, SETTINGS } from "../../src/core/config.ts";

const text = readFileSync(resolve(import.meta.dir, "../../packaging/mpesa-cb.env.example"), "utf8");
/** `NAME=value` lines, commented out (`#NAME=value`) or not. */
const assignments = [...text.matchAll(/^(#?)([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ commented: m[1] === "#", name: m[2] ?? "", value: m[3] ?? "" }));

test.each(Object.values(SETTINGS).map((s) => [s.env, s.default] as const))("names %s", (env) => {
  expect(assignments.map((a) => a.name)).toContain(env);
});

// Under systemd the data directory defaults to STATE_DIRECTORY, not ./data: the file shows what the service uses.
const SHOWN_DEFAULT: Record<string, string> = { MPESA_CB_DATA_DIR: "/var/lib/mpesa-cb" };

test.each(Object.values(SETTINGS).filter((s) => s.default !== undefined).map((s) => [s.env, SHOWN_DEFAULT[s.env] ?? String(s.default)] as const))(
  "a commented-out %s shows its default (%s)", (env, value) => {
    for (const a of assignments.filter((x) => x.name === env && x.commented)) expect(a.value).toBe(value);
  },
);

test("names nothing the program does not read", () => {
  const known = new Set<string>([...Object.values(SETTINGS).map((s) => s.env), "DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME"]);
  expect(assignments.map((a) => a.name).filter((n) => !known.has(n))).toEqual([]);
});

test("as shipped, it is a valid configuration; uncommented, every example is valid too", () => {
  const shipped = parseEnvFile(text);
  if (!shipped.ok) throw new Error(JSON.stringify(shipped.problems));
  expect(parseConfig(shipped.value).ok).toBe(true);
  // Every line uncommented (the DB_* block aside: DATABASE_URL already names the database), as an operator might.
  const all = parseEnvFile(text.replace(/^#(?!DB_)([A-Z][A-Z0-9_]*=)/gm, "$1"));
  if (!all.ok) throw new Error(JSON.stringify(all.problems));
  const r = parseConfig(all.value);
  expect(r.ok ? [] : r.problems).toEqual([]);
});
