// Builders for test callbacks: domain objects for store tests, Daraja JSON for HTTP tests.
import type { StkCallback } from "../../src/core/daraja/stk/parse-stk.ts";
import type { IngestItem } from "../../src/core/ingest/batch-plan.ts";

let seq = 0;
export function uniqueId(prefix = "ws_CO_TEST"): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

export function success(checkoutRequestId: string, receipt: string, amountCents = 150000): StkCallback {
  return {
    merchantRequestId: `m-${checkoutRequestId}`, checkoutRequestId, resultCode: "0",
    resultDesc: "The service request is processed successfully.", status: "Success", amountCents, receipt,
    phone: "254700000001", transactionDate: new Date("2025-01-15T07:31:12Z"), balanceCents: null, warnings: [],
  };
}

export function failure(checkoutRequestId: string, resultCode = "1032", status: StkCallback["status"] = "Cancelled"): StkCallback {
  return {
    merchantRequestId: `m-${checkoutRequestId}`, checkoutRequestId, resultCode, resultDesc: `code ${resultCode}`, status,
    amountCents: null, receipt: null, phone: null, transactionDate: null, balanceCents: null, warnings: [],
  };
}

export function item(cb: StkCallback | null): IngestItem {
  const request = { id: crypto.randomUUID(), receivedAt: new Date(), sourceIp: "127.0.0.1", route: "/mpesa/callback", rawBody: JSON.stringify(cb ?? { junk: true }) };
  return cb === null
    ? { request, parsed: { ok: false, problems: [{ path: "Body", message: "is required" }] } }
    : { request, parsed: { ok: true, value: cb } };
}

/** A Daraja STK success callback body with the given IDs. */
export function successBody(checkoutRequestId: string, receipt: string, amount: number | string = 1500.0): string {
  return JSON.stringify({
    Body: { stkCallback: {
      MerchantRequestID: `m-${checkoutRequestId}`, CheckoutRequestID: checkoutRequestId, ResultCode: 0,
      ResultDesc: "The service request is processed successfully.",
      CallbackMetadata: { Item: [
        { Name: "Amount", Value: amount }, { Name: "MpesaReceiptNumber", Value: receipt },
        { Name: "TransactionDate", Value: 20250115103112 }, { Name: "PhoneNumber", Value: 254700000001 },
      ] },
    } },
  });
}

export function failureBody(checkoutRequestId: string, resultCode: number | string = 1032, desc = "Request cancelled by user"): string {
  return JSON.stringify({ Body: { stkCallback: { MerchantRequestID: `m-${checkoutRequestId}`, CheckoutRequestID: checkoutRequestId, ResultCode: resultCode, ResultDesc: desc } } });
}

/** A DATETIME as the driver returns it (a Date from mysql2, UTC text from SQLite) → ISO UTC. */
export function utcIso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return new Date(`${String(v).replace(" ", "T").replace(/Z$/, "")}Z`).toISOString();
}
