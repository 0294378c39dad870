// The reconciliation's own settings (MPESA_CB_RECONCILE, _INTERVAL_S, _AFTER_S), read from the environment until
// config.ts carries them: on/off for the sweep inside serve, how often it runs, how old a request must be.
import type { Problem, Result } from "../result.ts";

export interface ReconcileSettings {
  enabled: boolean; // MPESA_CB_RECONCILE=on: serve runs the sweep
  intervalMs: number; // MPESA_CB_RECONCILE_INTERVAL_S: between two sweeps
  afterMs: number; // MPESA_CB_RECONCILE_AFTER_S: a payment request younger than this still waits for its callback
}

export const RECONCILE_DEFAULTS: ReconcileSettings = { enabled: false, intervalMs: 300_000, afterMs: 120_000 };

type Env = Record<string, string | undefined>;

/** Pure: the settings from an environment, every problem at once, each saying how to fix it. */
export function parseReconcileSettings(env: Env): Result<ReconcileSettings> {
  const problems: Problem[] = [];
  const onOff = (env.MPESA_CB_RECONCILE ?? "").trim() || "off";
  if (onOff !== "on" && onOff !== "off") problems.push({ path: "MPESA_CB_RECONCILE", message: `must be on or off (got ${JSON.stringify(onOff)})` });
  const seconds = (name: string, fallbackMs: number, min: number, max: number): number => {
    const raw = (env[name] ?? "").trim();
    if (raw === "") return fallbackMs;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push({ path: name, message: `must be whole seconds from ${min} to ${max} (got ${JSON.stringify(raw)})` });
    return n * 1000;
  };
  const intervalMs = seconds("MPESA_CB_RECONCILE_INTERVAL_S", RECONCILE_DEFAULTS.intervalMs, 10, 86_400);
  const afterMs = seconds("MPESA_CB_RECONCILE_AFTER_S", RECONCILE_DEFAULTS.afterMs, 0, 86_400);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { enabled: onOff === "on", intervalMs, afterMs } };
}
