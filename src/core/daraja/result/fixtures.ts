// Sample Result-family bodies embedded in the binary as exact bytes (copies of the Daraja reference's, SPEC §12), each
// with the URL Daraja sends it to and what a correct parser reads from it. Times are Nairobi's (UTC+3), read as UTC.
import accountBalance from "./fixtures/account_balance_result.json" with { type: "text" };
import balanceTimeout from "./fixtures/account_balance_queue_timeout.json" with { type: "text" };
import b2bTimeout from "./fixtures/b2b_queue_timeout.json" with { type: "text" };
import b2bSuccess from "./fixtures/b2b_result_success.json" with { type: "text" };
import b2cTimeout from "./fixtures/b2c_queue_timeout.json" with { type: "text" };
import b2cTimeoutEcho from "./fixtures/b2c_queue_timeout_request_echo.json" with { type: "text" };
import b2cFailure from "./fixtures/b2c_result_failure.json" with { type: "text" };
import b2cFailure2040 from "./fixtures/b2c_result_failure_2040_unregistered.json" with { type: "text" };
import b2cSuccess from "./fixtures/b2c_result_success.json" with { type: "text" };
import missingResultKey from "./fixtures/result_missing_result_key.json" with { type: "text" };
import reversal from "./fixtures/reversal_result.json" with { type: "text" };
import reversalTimeout from "./fixtures/reversal_queue_timeout.json" with { type: "text" };
import reversalFailure from "./fixtures/reversal_result_failure_R000002.json" with { type: "text" };
import statusTimeout from "./fixtures/transaction_status_queue_timeout.json" with { type: "text" };
import statusResult from "./fixtures/transaction_status_result.json" with { type: "text" };
import statusFailure from "./fixtures/transaction_status_result_failure.json" with { type: "text" };
import type { BalanceAccount } from "./account-balance.ts";
import type { ResultApi, ResultStatus } from "./result-codes.ts";
import type { B2cBalances } from "./result-fields.ts";

export interface ResultExpectation {
  key: string; // the idempotency key
  originatorConversationId: string | null;
  conversationId: string | null;
  transactionId: string | null;
  resultCode: string | null;
  status: ResultStatus;
  amountCents: number | null;
  creditParty: string | null;
  debitParty: string | null;
  completedAtUtc: string | null; // ISO 8601
  parameters: Record<string, string>;
  b2cBalances?: B2cBalances;
  accounts?: BalanceAccount[];
}

export interface ResultFixture {
  name: string; // the file name without .json
  body: string; // the file's exact text
  api: ResultApi;
  route: "result" | "timeout"; // POST /results/<api> or /timeouts/<api>
  expected: ResultExpectation | { rejected: string[] }; // rejected: the path of every problem (HTTP 400)
}

function text(v: unknown): string {
  if (typeof v !== "string") throw new TypeError("a Result fixture was not imported as text");
  return v;
}

const none = { transactionId: "FAKE000000", amountCents: null, creditParty: null, debitParty: null, completedAtUtc: null, parameters: {} };
const failed = (n: string, code: string, originatorConversationId: string) => ({
  ...none, key: originatorConversationId, originatorConversationId, conversationId: `AG_20250115_0000fake00000000000${n}`, resultCode: code, status: "Failed" as const,
});
// A queue timeout as a Result envelope (assumption A of SPEC §6.1), for the APIs the reference has no sample of.
const timedOut = (short: string, n: string) => ({
  ...none, key: `myapp-${short}-0000000000${n}`, originatorConversationId: `myapp-${short}-0000000000${n}`, conversationId: `AG_20250115_0000fake00000000000${n}`,
  transactionId: null, resultCode: "1", status: "Timeout" as const,
});
const account = (name: string, cents: number): BalanceAccount => ({ name, currency: "KES", currentCents: cents, availableCents: cents, reservedCents: 0, unclearedCents: 0 });

export const resultFixtures: readonly ResultFixture[] = [
  { name: "b2c_result_success", body: text(b2cSuccess), api: "b2c", route: "result", expected: {
    key: "myapp-b2c-000000000001", originatorConversationId: "myapp-b2c-000000000001", conversationId: "AG_20250115_0000fake0000000000001",
    transactionId: "FAKE0B2C01", resultCode: "0", status: "Success", amountCents: 50000, creditParty: "254700000004 - TEST RECIPIENT", debitParty: null,
    completedAtUtc: "2025-01-15T09:30:45.000Z",
    parameters: { TransactionAmount: "500", TransactionReceipt: "FAKE0B2C01", ReceiverPartyPublicName: "254700000004 - TEST RECIPIENT",
      TransactionCompletedDateTime: "15.01.2025 12:30:45", B2CUtilityAccountAvailableFunds: "98500", B2CWorkingAccountAvailableFunds: "150000",
      B2CRecipientIsRegisteredCustomer: "Y", B2CChargesPaidAccountAvailableFunds: "-33" },
    b2cBalances: { utilityCents: 9_850_000, workingCents: 15_000_000, chargesPaidCents: -3300 } } },
  { name: "b2c_result_failure", body: text(b2cFailure), api: "b2c", route: "result", expected: { ...failed("02", "2001", "myapp-b2c-000000000002") } },
  { name: "b2c_result_failure_2040_unregistered", body: text(b2cFailure2040), api: "b2c", route: "result", expected: { ...failed("03", "2040", "myapp-b2c-000000000003") } },
  // Assumption A of SPEC §6.1: a Result envelope at the QueueTimeOutURL.
  { name: "b2c_queue_timeout", body: text(b2cTimeout), api: "b2c", route: "timeout", expected: {
    ...none, key: "myapp-b2c-000000000004", originatorConversationId: "myapp-b2c-000000000004", conversationId: "AG_20250115_0000fake0000000000004",
    transactionId: null, resultCode: "1", status: "Timeout" } },
  // Assumption B: the request echoed, SecurityCredential and InitiatorName included (never kept). Amount and parties are the request's.
  { name: "b2c_queue_timeout_request_echo", body: text(b2cTimeoutEcho), api: "b2c", route: "timeout", expected: {
    key: "myapp-b2c-000000000005", originatorConversationId: "myapp-b2c-000000000005", conversationId: null, transactionId: null, resultCode: null,
    status: "Timeout", amountCents: 50000, creditParty: "254700000005", debitParty: "600000", completedAtUtc: null,
    parameters: { OriginatorConversationID: "myapp-b2c-000000000005", CommandID: "BusinessPayment", Amount: "500", PartyA: "600000", PartyB: "254700000005",
      Remarks: "test payout", QueueTimeOutURL: "https://example.invalid/b2c/timeout", ResultURL: "https://example.invalid/b2c/result", Occassion: "test" } } },
  // The inner OriginatorConversationID and ConversationID are the QUERIED transaction's, not this result's.
  { name: "transaction_status_result", body: text(statusResult), api: "status", route: "result", expected: {
    key: "fake-4d4e-8899-000000000006", originatorConversationId: "fake-4d4e-8899-000000000006", conversationId: "AG_20250115_0000fake0000000000006",
    transactionId: "FAKE000000", resultCode: "0", status: "Success", amountCents: 150000, creditParty: "600000 - TEST MERCHANT LTD",
    debitParty: "254700000006 - TEST PAYER", completedAtUtc: "2025-01-15T07:31:12.000Z",
    parameters: { DebitPartyName: "254700000006 - TEST PAYER", CreditPartyName: "600000 - TEST MERCHANT LTD", OriginatorConversationID: "fake-43f4-a9f6-000000000001",
      InitiatedTime: "20250115103112", CreditPartyCharges: "", DebitAccountType: "MMF Account For Customer", TransactionReason: "", ReasonType: "Pay Bill Online",
      TransactionStatus: "Completed", FinalisedTime: "20250115103112", Amount: "1500", ConversationID: "AG_20250115_0000fake0000000000007", ReceiptNo: "FAKE0RCPT1" } } },
  { name: "transaction_status_result_failure", body: text(statusFailure), api: "status", route: "result", expected: { ...failed("09", "SFC_IC0003", "fake-4d4e-8899-000000000009") } },
  { name: "account_balance_result", body: text(accountBalance), api: "balance", route: "result", expected: {
    key: "fake-4aa8-9fe0-000000000010", originatorConversationId: "fake-4aa8-9fe0-000000000010", conversationId: "AG_20250115_0000fake0000000000010",
    transactionId: "FAKE000000", resultCode: "0", status: "Success", amountCents: null, creditParty: null, debitParty: null, completedAtUtc: "2025-01-15T09:45:00.000Z",
    parameters: {
      AccountBalance: "Working Account|KES|150000.00|150000.00|0.00|0.00&Float Account|KES|0.00|0.00|0.00|0.00&Utility Account|KES|98500.00|98500.00|0.00|0.00&Charges Paid Account|KES|-33.00|-33.00|0.00|0.00&Organization Settlement Account|KES|0.00|0.00|0.00|0.00",
      BOCompletedTime: "20250115124500" },
    accounts: [account("Working Account", 15_000_000), account("Float Account", 0), account("Utility Account", 9_850_000), account("Charges Paid Account", -3300), account("Organization Settlement Account", 0)] } },
  // Result.TransactionID is the reversal's own receipt; OriginalTransactionID the reversed one (SPEC §9).
  { name: "reversal_result", body: text(reversal), api: "reversal", route: "result", expected: {
    key: "fake-4c34-8787-000000000011", originatorConversationId: "fake-4c34-8787-000000000011", conversationId: "AG_20250115_0000fake0000000000011",
    transactionId: "FAKE0REV01", resultCode: "0", status: "Success", amountCents: 150000, creditParty: "254700000001 - TEST PAYER",
    debitParty: "600000 - TEST MERCHANT LTD", completedAtUtc: "2025-01-15T10:02:10.000Z",
    parameters: { DebitAccountBalance: "Utility Account|KES|8750.00|8750.00|0.00|0.00", Amount: "1500", TransCompletedTime: "20250115130210",
      OriginalTransactionID: "FAKE0RCPT1", Charge: "0", CreditPartyPublicName: "254700000001 - TEST PAYER", DebitPartyPublicName: "600000 - TEST MERCHANT LTD" } } },
  { name: "reversal_result_failure_R000002", body: text(reversalFailure), api: "reversal", route: "result", expected: { ...failed("12", "R000002", "fake-481d-b706-000000000012") } },
  // Written for this project (not in the reference): B2B has no fixture there; its keys are those of the
  // documentation's B2B sample (SPEC §6 note), ReferenceItem as a list as in that sample.
  { name: "b2b_result_success", body: text(b2bSuccess), api: "b2b", route: "result", expected: {
    key: "myapp-b2b-000000000013", originatorConversationId: "myapp-b2b-000000000013", conversationId: "AG_20250115_0000fake0000000000013",
    transactionId: "FAKE0B2B01", resultCode: "0", status: "Success", amountCents: 1000, creditParty: "600000 - TEST SUPPLIER LTD", debitParty: null,
    completedAtUtc: "2025-01-15T10:15:48.000Z",
    parameters: { InitiatorAccountCurrentBalance: "{Amount={BasicAmount=46713.00, MinimumAmount=4671300, CurrencyCode=KES}}",
      DebitAccountCurrentBalance: "{Amount={BasicAmount=46713.00, MinimumAmount=4671300, CurrencyCode=KES}}", Amount: "10",
      DebitPartyAffectedAccountBalance: "Working Account|KES|46713.00|46713.00|0.00|0.00", TransCompletedTime: "20250115131548", DebitPartyCharges: "",
      ReceiverPartyPublicName: "600000 - TEST SUPPLIER LTD", Currency: "KES" } } },
  // Written for this project: queue timeouts of the other APIs, in the envelope shape of b2c_queue_timeout.
  { name: "b2b_queue_timeout", body: text(b2bTimeout), api: "b2b", route: "timeout", expected: timedOut("b2b", "14") },
  { name: "transaction_status_queue_timeout", body: text(statusTimeout), api: "status", route: "timeout", expected: timedOut("status", "15") },
  { name: "account_balance_queue_timeout", body: text(balanceTimeout), api: "balance", route: "timeout", expected: timedOut("balance", "16") },
  { name: "reversal_queue_timeout", body: text(reversalTimeout), api: "reversal", route: "timeout", expected: timedOut("reversal", "17") },
  // The envelope's fields at the top level: malformed (SPEC §12); refused with the problem named, the raw body kept.
  { name: "result_missing_result_key", body: text(missingResultKey), api: "b2c", route: "result", expected: { rejected: ["Result"] } },
];
