// Sample C2B bodies embedded in the binary as exact bytes (copies of the Daraja reference's), each with what a
// correct server stores for it. Validation and confirmation share the shape (SPEC §4.2).
import confirmation from "./fixtures/c2b_confirmation.json" with { type: "text" };
import confirmationLegacy from "./fixtures/c2b_confirmation_legacy_plain_msisdn.json" with { type: "text" };
import validation from "./fixtures/c2b_validation.json" with { type: "text" };
import type { MsisdnKind } from "./parse-c2b.ts";

export interface C2bFixture {
  name: string; // the file name without .json
  body: string; // the file's exact text
  route: "/c2b/confirmation" | "/c2b/validation";
  expected: { transId: string; amountCents: number; transTimeUtc: string; msisdn: string; msisdnKind: MsisdnKind; billRefNumber: string };
}

function text(v: unknown): string {
  if (typeof v !== "string") throw new TypeError("a C2B fixture was not imported as text");
  return v;
}

// TransTime is Nairobi time (UTC+3): 20250115120501 is 09:05:01 UTC.
export const c2bFixtures: readonly C2bFixture[] = [
  { name: "c2b_confirmation", body: text(confirmation), route: "/c2b/confirmation", expected: {
    transId: "FAKE0C2B01", amountCents: 25000, transTimeUtc: "2025-01-15T09:05:01.000Z", msisdn: "2547 ***** 001", msisdnKind: "masked", billRefNumber: "INV-000123" } },
  { name: "c2b_confirmation_legacy_plain_msisdn", body: text(confirmationLegacy), route: "/c2b/confirmation", expected: {
    transId: "FAKE0C2B03", amountCents: 1000, transTimeUtc: "2025-01-15T09:15:00.000Z", msisdn: "254700000003", msisdnKind: "plain", billRefNumber: "acct-7" } },
  { name: "c2b_validation", body: text(validation), route: "/c2b/validation", expected: {
    transId: "FAKE0C2B01", amountCents: 25000, transTimeUtc: "2025-01-15T09:05:01.000Z", msisdn: "2547 ***** 001", msisdnKind: "masked", billRefNumber: "INV-000123" } },
];
