// What the engine tells the metrics: one call per event, increments only. Core modules see this interface and the
// no-op below; the Prometheus registry behind it (metrics.ts) belongs to one running service.

/** Which kind of path an HTTP answer was for: a label with four values, never the path itself. */
export type RouteClass = "callback" | "health" | "metrics" | "other";

/** Where a batch of callbacks was made durable. */
export type BatchTarget = "database" | "spool";

/** What became of one outbox delivery attempt (the outbox worker's verdict). */
export type DeliveryResult = "sent" | "retry" | "failed";

/** How Daraja answered an M-Pesa Express Query (StkQueryAnswer's kind). */
export type QueryAnswer = "final" | "pending" | "throttled" | "error";

/** Who asked Daraja: the confirmation worker or the reconcile sweep. */
export type QueryCaller = "confirm" | "reconcile";

export type ConfirmVerdict = "verified" | "mismatch" | "unverifiable";

/**
 * A reconcile sweep's result for one payment, e.g. "recovered", "pending", "unreachable". Keep to a fixed handful of
 * words: every distinct value is a time series in Prometheus.
 */
export type ReconcileResult = string;

export interface MetricsRecorder {
  /** A callback's outcome (ingest's count): `route` is the route as stored (`/mpesa/callback/:token#1` is fine). */
  callback(family: string, route: string, outcome: string): void;
  httpResponse(routeClass: RouteClass, status: number): void;
  /** A group-commit batch made durable: how many callbacks, and how long the write took. */
  batchWritten(target: BatchTarget, size: number, seconds: number): void;
  /** One outbox delivery attempt; `seconds` is the Telegram send's duration (null: nothing was sent). */
  outboxDelivery(result: DeliveryResult, seconds: number | null): void;
  darajaQuery(caller: QueryCaller, answer: QueryAnswer): void;
  confirmVerdict(verdict: ConfirmVerdict): void;
  reconcileResult(result: ReconcileResult): void;
}

/** For code run without a service (CLI commands, tests): records nothing. */
export const NO_METRICS: MetricsRecorder = Object.freeze({
  callback() {}, httpResponse() {}, batchWritten() {}, outboxDelivery() {}, darajaQuery() {}, confirmVerdict() {}, reconcileResult() {},
});
