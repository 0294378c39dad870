// The reconciliation's settings in the configuration: defaults, seconds read as milliseconds, bounds, and `on`
// refused without the Daraja credentials.
import { expect, test } from "bun:test";
import { parseConfig } from "../../../src/core/config.ts";

const CREDS = { MPESA_CONSUMER_KEY: "k", MPESA_CONSUMER_SECRET: "s", MPESA_SHORTCODE: "600999", MPESA_PASSKEY: "p" };

test("defaults: off, every 300 s, requests older than 120 s and younger than 3 days", () => {
  const c = parseConfig({});
  expect(c.ok && c.value.reconcile).toEqual({ enabled: false, intervalMs: 300_000, afterMs: 120_000, maxAgeMs: 259_200_000 });
});

test("on, with the credentials, in seconds", () => {
  const c = parseConfig({ ...CREDS, MPESA_CB_RECONCILE: "on", MPESA_CB_RECONCILE_INTERVAL_S: "60", MPESA_CB_RECONCILE_AFTER_S: "0", MPESA_CB_RECONCILE_MAX_AGE_S: "86400" });
  expect(c.ok && c.value.reconcile).toEqual({ enabled: true, intervalMs: 60_000, afterMs: 0, maxAgeMs: 86_400_000 });
});

test.each([
  [{ MPESA_CB_RECONCILE: "on" }, "MPESA_CB_RECONCILE (--reconcile)", "missing: MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_SHORTCODE, MPESA_PASSKEY"],
  [{ MPESA_CB_RECONCILE: "yes" }, "MPESA_CB_RECONCILE (--reconcile)", "off"],
  [{ MPESA_CB_RECONCILE_INTERVAL_S: "5" }, "MPESA_CB_RECONCILE_INTERVAL_S (--reconcile-interval-s)", "10"],
  [{ MPESA_CB_RECONCILE_AFTER_S: "2m" }, "MPESA_CB_RECONCILE_AFTER_S (--reconcile-after-s)", "whole number"],
  [{ MPESA_CB_RECONCILE_MAX_AGE_S: "60" }, "MPESA_CB_RECONCILE_MAX_AGE_S (--reconcile-max-age-s)", "3600"],
  [{ MPESA_CB_RECONCILE_AFTER_S: "7200", MPESA_CB_RECONCILE_MAX_AGE_S: "3600" }, "MPESA_CB_RECONCILE_MAX_AGE_S (--reconcile-max-age-s)", "more than MPESA_CB_RECONCILE_AFTER_S (7200)"],
])("%j is refused, naming the setting", (env, path, words) => {
  const c = parseConfig(env);
  expect(c.ok).toBe(false);
  const problem = !c.ok ? c.problems.find((p) => p.path === path) : undefined;
  expect(problem?.message).toContain(words);
});
