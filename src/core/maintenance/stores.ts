// The family stores of a database, built from the configuration: one place, so that serve and replay write every
// callback through the same stores with the same options (notifications, confirmation, the unsolicited rule).
import type { Config } from "../config.ts";
import type { Database } from "../store/database.ts";
import type { FamilyStore } from "../ingest/ingest.ts";
import { createCallbackStore } from "../store/callback-store.ts";
import { createC2bStore } from "../store/c2b-store.ts";
import { createC2bValidationStore } from "../store/c2b-validation-store.ts";
import { createResultStore } from "../store/result-store.ts";
import { notifyTargets } from "../notify/notification-plan.ts";
import { stkFamily } from "../daraja/stk/family.ts";
import { c2bConfirmationFamily } from "../daraja/c2b/confirmation.ts";
import { c2bValidationFamily } from "../daraja/c2b/validation.ts";
import { RESULT_FAMILIES } from "../daraja/result/family.ts";

export type StoreConfig = Pick<Config, "telegram" | "confirm" | "auth" | "results">;

/** Every family's store, by family name. */
export function buildFamilyStores(db: Database, config: StoreConfig): Map<string, FamilyStore> {
  const notify = notifyTargets(config.telegram);
  const stk = createCallbackStore(db, { notify, confirm: config.confirm.enabled, refuseUnsolicited: config.auth.rejectUnsolicited });
  const stores = new Map<string, FamilyStore>([
    [stkFamily.name, stk], [c2bConfirmationFamily.name, createC2bStore(db, { notify })], [c2bValidationFamily.name, createC2bValidationStore(db)],
  ]);
  // One store for every Result family: a timeout and its result are written in arrival order, to one row.
  const results = createResultStore(db, { notify, lowBalanceCents: config.results.lowBalanceCents });
  for (const family of RESULT_FAMILIES) stores.set(family.name, results);
  return stores;
}
