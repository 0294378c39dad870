// Every Daraja callback family the server receives. Adding a family is a module and one line here
// (test/core/daraja/registry.test.ts fails when a family lacks fixtures or two families claim one route).
import type { Family } from "./family.ts";
import { stkFamily } from "./stk/family.ts";
import { c2bConfirmationFamily } from "./c2b/confirmation.ts";
import { c2bValidationFamily } from "./c2b/validation.ts";
import { RESULT_FAMILIES } from "./result/family.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each family reads its own record type
export type AnyFamily = Family<any>;

export const FAMILIES: readonly AnyFamily[] = [stkFamily, c2bConfirmationFamily, c2bValidationFamily, ...RESULT_FAMILIES];

const byName = new Map(FAMILIES.map((f) => [f.name, f]));

/** The family a stored request names; requests spooled before families existed are STK callbacks. */
export function familyNamed(name: string | undefined): AnyFamily {
  const family = byName.get(name ?? stkFamily.name);
  if (family === undefined) throw new Error(`no callback family named ${JSON.stringify(name)} (known: ${[...byName.keys()].join(", ")})`);
  return family;
}
