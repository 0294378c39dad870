// parseResult / parseTimeout: Daraja's documented variations (SPEC §5–§11) read to the same record; only what has no
// Result envelope, or no ConversationID and no OriginatorConversationID, is rejected.
import { describe, expect, test } from "bun:test";
import { parseResult, parseTimeout, resultKey, type DarajaResult } from "../../../../src/core/daraja/result/parse-result.ts";
import { resultFixtures } from "../../../../src/core/daraja/result/fixtures.ts";
import type { Problem, Result } from "../../../../src/core/result.ts";

type Json = Record<string, unknown>;
const body = (name: string): Json => JSON.parse(resultFixtures.find((f) => f.name === name)?.body ?? "null") as Json;
/** A fixture's body with one change applied to its Result and its ResultParameter list. */
function variant(name: string, change: (r: Json, params: Json[]) => void): Json {
  const b = body(name);
  const r = b.Result as Json;
  change(r, ((r.ResultParameters as Json | undefined)?.ResultParameter ?? []) as Json[]);
  return b;
}
function accepted(r: Result<DarajaResult>): DarajaResult {
  if (!r.ok) throw new Error(`rejected: ${JSON.stringify(r.problems)}`);
  return r.value;
}
function problems(r: Result<DarajaResult>): Problem[] {
  if (r.ok) throw new Error("accepted");
  return r.problems;
}
const success = accepted(parseResult("b2c", body("b2c_result_success")));

describe("accepted variations of a B2C success read the same", () => {
  test.each<[string, (r: Json, p: Json[]) => void]>([
    ["ResultCode and ResultType as strings", (r) => { r.ResultCode = "0"; r.ResultType = "0"; }],
    ["parameters in reverse order", (_, p) => { p.reverse(); }],
    ["keys with spaces", (r, p) => { r["Conversation ID"] = r.ConversationID; delete r.ConversationID; p[0]!.Key = "Transaction Amount"; }],
    ["OriginatorCoversationID, the typo of SPEC §10", (r) => { r.OriginatorCoversationID = r.OriginatorConversationID; delete r.OriginatorConversationID; }],
    ["ReferenceItem as a list", (r) => { (r.ReferenceData as Json).ReferenceItem = [(r.ReferenceData as Json).ReferenceItem]; }],
    ["the whole Result as a list of one", (r) => { Object.assign(r, { __wrap: true }); }],
  ])("%s", (_, change) => {
    const b = variant("b2c_result_success", change);
    const r = b.Result as Json;
    if (r.__wrap) { delete r.__wrap; b.Result = [r]; }
    const read = accepted(parseResult("b2c", b));
    expect({ ...read, parameters: sorted(read.parameters) }).toEqual({ ...success, parameters: sorted(success.parameters) });
  });

  test("amounts and balances as strings: the same cents; the parameters keep the text as sent", () => {
    const read = accepted(parseResult("b2c", variant("b2c_result_success", (_, p) => { p[0]!.Value = "500.00"; p[4]!.Value = "98500.00"; p[7]!.Value = "-33.00"; })));
    expect({ ...read, parameters: {} }).toEqual({ ...success, parameters: {} });
    expect([read.parameters.TransactionAmount, read.parameters.B2CChargesPaidAccountAvailableFunds]).toEqual(["500.00", "-33.00"]);
  });

  test("ResultParameter as one lone object is a list of one", () => {
    const read = accepted(parseResult("b2c", variant("b2c_result_success", (r, p) => { (r.ResultParameters as Json).ResultParameter = p[0]; })));
    expect([read.parameters, read.amountCents]).toEqual([{ TransactionAmount: "500" }, 50000]);
  });

  test("a parameter without Value is kept as \"\", by key", () => {
    const read = accepted(parseResult("b2c", variant("b2c_result_success", (_, p) => { p.push({ Key: "TransactionReason" }, { Key: "Occasion", Value: null }); })));
    expect([read.parameters.TransactionReason, read.parameters.Occasion, read.warnings]).toEqual(["", "", []]);
  });

  test("the reference data is kept by key", () => {
    expect(success.referenceData).toEqual({ QueueTimeoutURL: "https://internal.example.invalid/mpesa/b2cresults/v1/submit" });
  });

  test("the 2017 transaction status spellings (\"Originator Conversation ID\" as a Key) are read", () => {
    const read = accepted(parseResult("status", variant("transaction_status_result", (r, p) => {
      r["Originator Conversation ID"] = r.OriginatorConversationID; delete r.OriginatorConversationID;
      for (const item of p) if (item.Key === "ConversationID") item.Key = "Conversation ID";
    })));
    expect([read.originatorConversationId, read.parameters.ConversationID]).toEqual(["fake-4d4e-8899-000000000006", "AG_20250115_0000fake0000000000007"]);
  });
});

describe("tolerated, with a warning", () => {
  test.each<[string, (r: Json, p: Json[]) => void, Partial<DarajaResult>, string[]]>([
    ["an unreadable amount", (_, p) => { p[0]!.Value = "five hundred"; }, { amountCents: null, status: "Success" },
      ["Result.ResultParameters.ResultParameter[0].Value", "Result.ResultParameters"]],
    ["an unreadable completed time", (_, p) => { p[3]!.Value = "yesterday"; }, { completedAt: null }, ["Result.ResultParameters.ResultParameter[3].Value"]],
    ["a repeated key: the first is kept", (_, p) => { p.push({ Key: "TransactionAmount", Value: 1 }); }, { amountCents: 50000 }, ["Result.ResultParameters.ResultParameter[8].Key"]],
    ["a Value that is an object, kept as \"\"", (_, p) => { p[6]!.Value = { a: 1 }; }, { parameters: expect.objectContaining({ B2CRecipientIsRegisteredCustomer: "" }) }, ["Result.ResultParameters.ResultParameter[6].Value"]],
    ["a Key that is blank", (_, p) => { p.push({ Key: " ", Value: 1 }); }, {}, ["Result.ResultParameters.ResultParameter[8].Key"]],
    ["no ResultCode: Unknown", (r) => { delete r.ResultCode; }, { status: "Unknown", resultCode: null }, ["Result.ResultCode"]],
    ["an undocumented code: Unknown, never Failed", (r) => { r.ResultCode = 7777; }, { status: "Unknown", resultCode: "7777" }, ["Result.ResultCode"]],
    ["a ResultCode longer than its column: Unknown", (r) => { r.ResultCode = "X".repeat(21); }, { status: "Unknown", resultCode: null }, ["Result.ResultCode", "Result.ResultCode"]],
    ["a TransactionID longer than its column (30): none", (r) => { r.TransactionID = "F".repeat(31); }, { transactionId: null }, ["Result.TransactionID"]],
    ["a party longer than its column: the first 255 characters", (r) => { (r.ResultParameters as { ResultParameter: { Key: string; Value: unknown }[] }).ResultParameter[2] = { Key: "ReceiverPartyPublicName", Value: `254700000004 - ${"N".repeat(300)}` }; },
      { creditParty: `254700000004 - ${"N".repeat(240)}` }, ["Result.ResultParameters.ResultParameter[2].Value"]],
    ["a ResultDesc of 300 characters: the first 255", (r) => { r.ResultDesc = "é".repeat(300); }, { resultDesc: "é".repeat(255) }, ["Result.ResultDesc"]],
    ["a ConversationID of the wrong kind, with an OriginatorConversationID", (r) => { r.ConversationID = { x: 1 }; }, { conversationId: null }, ["Result.ConversationID"]],
  ])("%s", (_, change, expected, paths) => {
    const read = accepted(parseResult("b2c", variant("b2c_result_success", change)));
    expect(read).toMatchObject(expected);
    expect(read.warnings.map((w) => w.path)).toEqual(paths);
  });

  test("a B2C success without any parameter has no amount, and says so", () => {
    const read = accepted(parseResult("b2c", variant("b2c_result_success", (r) => { delete r.ResultParameters; })));
    expect([read.status, read.amountCents, read.b2cBalances, read.warnings.map((w) => w.path)]).toEqual(["Success", null, null, ["Result.ResultParameters"]]);
  });
});

test("a B2B result keeps every parameter, the initiator's balance included", () => {
  const read = accepted(parseResult("b2b", { Result: { ResultCode: 0, ConversationID: "AG_1", ResultParameters: { ResultParameter: [
    { Key: "InitiatorAccountCurrentBalance", Value: "{ Amount={BasicAmount=46713.00, MinimumAmount=4671300, CurrencyCode=KES}}" },
    { Key: "Amount", Value: 10.0 }, { Key: "TransCompletedTime", Value: 20250115130210 }, { Key: "ReceiverPartyPublicName", Value: "600000 - OTHER LTD" },
  ] } } }));
  expect([Object.keys(read.parameters).length, read.amountCents, read.creditParty, read.completedAt?.toISOString()]).toEqual([4, 1000, "600000 - OTHER LTD", "2025-01-15T10:02:10.000Z"]);
});

describe("status by API", () => {
  test.each<[DarajaResult["api"], string | number, DarajaResult["status"]]>([
    ["b2c", 0, "Success"], ["b2c", "1", "Failed"], ["b2c", 2040, "Failed"], ["b2c", "SFC_IC0003", "Failed"], ["b2c", "R000001", "Unknown"],
    ["reversal", "R000001", "Failed"], ["reversal", "2040", "Unknown"], ["balance", 100000011, "Failed"], ["status", "SFC_IC0003", "Failed"], ["b2b", " 0 ", "Success"],
  ])("%s code %p → %s", (api, code, status) => {
    expect(accepted(parseResult(api, { Result: { ResultCode: code, ConversationID: "AG_1" } })).status).toBe(status);
  });
});

describe("queue timeouts, both shapes (SPEC §6.1)", () => {
  const echo = body("b2c_queue_timeout_request_echo");

  test("an echo of the request: ids from the top level, the SecurityCredential and the initiator nowhere in the record", () => {
    const read = accepted(parseTimeout("b2c", echo));
    expect([read.status, read.kind, resultKey(read)]).toEqual(["Timeout", "timeout", "myapp-b2c-000000000005"]);
    const json = JSON.stringify(read);
    for (const secret of ["FAKE-ENCRYPTED-CREDENTIAL==", "SecurityCredential", "testapi", "InitiatorName"]) expect(json).not.toContain(secret);
  });

  test.each<[string, Json]>([
    ["spelled with spaces", { ...echo, "Security Credential": echo.SecurityCredential, SecurityCredential: undefined }],
    ["a password field", { ...echo, InitiatorPassword: "FAKE-ENCRYPTED-CREDENTIAL==" }],
    ["a status request's Initiator", { ...echo, Initiator: "testapi" }],
  ])("secrets dropped: %s", (_, b) => {
    expect(JSON.stringify(accepted(parseTimeout("b2c", b)))).not.toMatch(/FAKE-ENCRYPTED|testapi|Credential|Initiator/);
  });

  test("an envelope timeout is Timeout whatever its code; a 0 there is warned about", () => {
    const read = accepted(parseTimeout("b2c", variant("b2c_queue_timeout", (r) => { r.ResultCode = 0; })));
    expect([read.status, read.resultCode, read.warnings.map((w) => w.path)]).toEqual(["Timeout", "0", ["Result.ResultCode"]]);
  });

  test("an envelope with a SecurityCredential reference item keeps it nowhere", () => {
    const b = variant("b2c_queue_timeout", (r) => { r.ReferenceData = { ReferenceItem: [{ Key: "Security Credential", Value: "FAKE-ENCRYPTED" }, { Key: "Occasion", Value: "x" }] }; });
    const read = accepted(parseTimeout("b2c", b));
    expect([read.referenceData, JSON.stringify(read).includes("FAKE-ENCRYPTED")]).toEqual([{ Occasion: "x" }, false]);
  });

  test("an envelope timeout whose ids are at the top level is identified by them", () => {
    const read = accepted(parseTimeout("b2c", { Result: { ResultCode: 1 }, OriginatorConversationID: "myapp-b2c-9" }));
    expect([read.status, read.resultCode, resultKey(read)]).toEqual(["Timeout", "1", "myapp-b2c-9"]);
  });

  test("an echo with only a ConversationID is identified by it", () => {
    expect(resultKey(accepted(parseTimeout("status", { ConversationID: 12345 })))).toBe("12345");
  });
});

describe("rejected: nothing to identify", () => {
  test.each<[string, () => Result<DarajaResult>, string[]]>([
    ["no Result on the result route", () => parseResult("b2c", body("result_missing_result_key")), ["Result"]],
    ["Result not an object", () => parseResult("b2c", { Result: "ok" }), ["Result"]],
    ["no ids in the envelope", () => parseResult("b2c", variant("b2c_result_failure", (r) => { delete r.ConversationID; delete r.OriginatorConversationID; })), ["Result.ConversationID"]],
    ["blank ids", () => parseResult("b2c", { Result: { ConversationID: " ", OriginatorConversationID: "" } }), ["Result.ConversationID"]],
    ["a request echo on the result route", () => parseResult("b2c", body("b2c_queue_timeout_request_echo")), ["Result"]],
    ["an echo without ids", () => parseTimeout("b2c", { CommandID: "BusinessPayment", Amount: 10 }), ["ConversationID"]],
    ["a timeout body that is not an object", () => parseTimeout("b2c", [1]), ["(body)"]],
    ["null", () => parseTimeout("b2c", null), ["(body)"]],
  ])("%s", (_, parse, paths) => {
    expect(problems(parse()).map((p) => p.path)).toEqual(paths);
  });

  test("a request echo on the result route is pointed to the timeout route", () => {
    expect(problems(parseResult("b2c", body("b2c_queue_timeout_request_echo")))[0]?.message).toContain("/timeouts/");
  });
});

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

test("an echo's unreadable Amount is warned about at its own path", () => {
  const read = accepted(parseTimeout("b2c", { OriginatorConversationID: "myapp-1", Amount: "lots" }));
  expect([read.amountCents, read.warnings.map((w) => w.path)]).toEqual([null, ["Amount"]]);
});
