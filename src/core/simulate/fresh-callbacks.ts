// Simulated callbacks: the embedded fixture files, with fresh simulated IDs in place of the sample ones.
import { stkFixtures } from "../daraja/stk/fixtures.ts";
import type { SimIds } from "./ids.ts";

interface StkJson {
  Body: { stkCallback: Record<string, unknown> & { CallbackMetadata?: { Item?: { Name: string; Value?: unknown }[] } } };
}

/** The exact text of an embedded fixture (src/core/daraja/stk/fixtures/NAME.json). */
export function fixtureText(name: string): string {
  const fixture = stkFixtures.find((f) => f.name === name);
  if (fixture === undefined) throw new Error(`no STK fixture named ${name}`); // a bug in the scenario table
  return fixture.body;
}

/** The fixture as JSON, its IDs (and receipt, when it has one) replaced by `ids`. */
export function freshCallback(fixture: string, ids: SimIds): string {
  const json = JSON.parse(fixtureText(fixture)) as StkJson;
  const cb = json.Body.stkCallback;
  cb.MerchantRequestID = ids.merchantRequestId;
  // A fixture without CheckoutRequestID (the invalid one) stays without it: that is its point.
  if ("CheckoutRequestID" in cb) cb.CheckoutRequestID = ids.checkoutRequestId;
  for (const item of cb.CallbackMetadata?.Item ?? []) {
    if (item.Name === "MpesaReceiptNumber") item.Value = ids.receipt;
  }
  return JSON.stringify(json);
}
