// The C2B validation/confirmation body's shape (SPEC §4.2) as one ajv validator: both calls share it.
import Ajv from "ajv";
import type { Problem } from "../../result.ts";
import { checkShape, NOT_BLANK } from "../schema-problems.ts";

/** trans_id is VARCHAR(30): receipts are 10 characters in every sample. */
export const MAX_TRANS_ID_LENGTH = 30;

// Every scalar may come as a number or a string (SPEC §10, §11): TransAmount "250.00", MSISDN 254700000003.
const scalar = { type: ["string", "number"] } as const;

export const c2bSchema = {
  type: "object",
  required: ["TransID"],
  properties: {
    TransID: { type: ["string", "number"], pattern: NOT_BLANK, maxLength: MAX_TRANS_ID_LENGTH },
    TransactionType: scalar, TransTime: scalar, TransAmount: scalar, BusinessShortCode: scalar,
    BillRefNumber: scalar, InvoiceNumber: scalar, OrgAccountBalance: scalar, ThirdPartyTransID: scalar,
    MSISDN: scalar, FirstName: scalar, MiddleName: scalar, LastName: scalar,
  },
} as const;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, verbose: true });
const validate = ajv.compile(c2bSchema);

// Only the TransID identifies a C2B payment; every other field is read when it can be, and warned about when not.
const TOLERATED = Object.keys(c2bSchema.properties).filter((k) => k !== "TransID");

export function checkC2bShape(body: unknown): { problems: Problem[]; warnings: Problem[] } {
  return checkShape(validate, body, TOLERATED, (missing, b) =>
    missing === "TransID" && typeof b === "object" && b !== null && "Body" in b ? ": this looks like an STK callback (Body.stkCallback); its route is /stk/callback" : "");
}
