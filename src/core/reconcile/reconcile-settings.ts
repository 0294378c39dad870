// The reconciliation's settings (MPESA_CB_RECONCILE, _INTERVAL_S, _AFTER_S, _MAX_AGE_S), as config.ts parses them into
// Config["reconcile"]: on/off for the sweep inside serve, how often it runs, how old a request must be.

export interface ReconcileSettings {
  enabled: boolean; // MPESA_CB_RECONCILE=on: serve runs the sweep
  intervalMs: number; // MPESA_CB_RECONCILE_INTERVAL_S: between two sweeps
  afterMs: number; // MPESA_CB_RECONCILE_AFTER_S: a payment request younger than this still waits for its callback
  maxAgeMs: number; // MPESA_CB_RECONCILE_MAX_AGE_S: a payment requested longer ago is no longer asked about
}
