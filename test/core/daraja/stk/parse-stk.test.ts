// parseStkCallback: tolerant of Daraja's documented variations, rejecting only what cannot be identified.
import { describe, expect, test } from "bun:test";
import { parseStkCallback, type StkCallback } from "../../../../src/core/daraja/stk/parse-stk.ts";
import { parseJson } from "../../../../src/core/daraja/parse-json.ts";
import type { Problem } from "../../../../src/core/result.ts";

type Json = Record<string, unknown>;
const META = "Body.stkCallback.CallbackMetadata";

/** The documented success (SPEC §2.1) with one change applied to its stkCallback. */
function success(change: (cb: Json, items: Json[]) => void = () => {}): Json {
  const items: Json[] = [
    { Name: "Amount", Value: 1500.0 }, { Name: "MpesaReceiptNumber", Value: "FAKE0RCPT1" },
    { Name: "TransactionDate", Value: 20250115103112 }, { Name: "PhoneNumber", Value: 254700000001 },
  ];
  const cb: Json = {
    MerchantRequestID: "29115-34620561-1", CheckoutRequestID: "ws_CO_191220191020363925", ResultCode: 0,
    ResultDesc: "The service request is processed successfully.", CallbackMetadata: { Item: items },
  };
  change(cb, items);
  return { Body: { stkCallback: cb } };
}

function accepted(body: unknown): StkCallback {
  const r = parseStkCallback(body);
  if (!r.ok) throw new Error(`rejected: ${JSON.stringify(r.problems)}`);
  return r.value;
}

function rejected(body: unknown): Problem[] {
  const r = parseStkCallback(body);
  if (r.ok) throw new Error("accepted");
  return r.problems;
}

const paths = (ps: Problem[]) => ps.map((p) => p.path);

describe("accepted variations", () => {
  const paid: Partial<StkCallback> = { status: "Success", amountCents: 150000, receipt: "FAKE0RCPT1", phone: "254700000001" };
  test.each<[string, Json, Partial<StkCallback>]>([
    ["the documented success", success(), { ...paid, resultCode: "0", merchantRequestId: "29115-34620561-1", checkoutRequestId: "ws_CO_191220191020363925" }],
    ["ResultCode as the string \"0\"", success((cb) => { cb.ResultCode = "0"; }), { ...paid, resultCode: "0" }],
    ["ResultCode with blanks", success((cb) => { cb.ResultCode = " 1032 "; }), { status: "Cancelled", resultCode: "1032" }],
    ["ResultCode SFC_IC0003", success((cb) => { cb.ResultCode = "SFC_IC0003"; delete cb.CallbackMetadata; }), { status: "Failed", resultCode: "SFC_IC0003" }],
    ["Amount as the string \"1500.00\"", success((_, it) => { it[0] = { Name: "Amount", Value: "1500.00" }; }), paid],
    ["Amount 1500.5", success((_, it) => { it[0] = { Name: "Amount", Value: 1500.5 }; }), { ...paid, amountCents: 150050 }],
    ["PhoneNumber as a string", success((_, it) => { it[3] = { Name: "PhoneNumber", Value: "254110000001" }; }), { ...paid, phone: "254110000001" }],
    ["TransactionDate as a string", success((_, it) => { it[2] = { Name: "TransactionDate", Value: "20250115103112" }; }), paid],
    ["items in reverse order", success((_, it) => { it.reverse(); }), paid],
    ["Balance without Value", success((_, it) => { it.splice(2, 0, { Name: "Balance" }); }), { ...paid, balanceCents: null }],
    ["Balance with a string Value", success((_, it) => { it.push({ Name: "Balance", Value: "2500.50" }); }), { ...paid, balanceCents: 250050 }],
    ["unknown items and fields", success((cb, it) => { it.push({ Name: "Surprise", Value: { a: 1 } }); cb.Extra = [1]; }), paid],
    ["no MerchantRequestID", success((cb) => { delete cb.MerchantRequestID; }), { ...paid, merchantRequestId: null }],
    ["a 100-character CheckoutRequestID", success((cb) => { cb.CheckoutRequestID = "x".repeat(100); }), { checkoutRequestId: "x".repeat(100) }],
  ])("%s", (_, body, expected) => {
    expect(accepted(body)).toMatchObject(expected);
  });

  test("the transaction date is the UTC instant of Nairobi's wall time", () => {
    expect(accepted(success()).transactionDate?.toISOString()).toBe("2025-01-15T07:31:12.000Z");
  });

  test("Item as a single object is read as a list of one", () => {
    const cb = accepted(success((c) => { c.CallbackMetadata = { Item: { Name: "MpesaReceiptNumber", Value: "FAKE0RCPT9" } }; }));
    expect(cb).toMatchObject({ receipt: "FAKE0RCPT9", amountCents: null, status: "Unknown" });
  });

  test("the documented success carries no warnings", () => {
    expect(accepted(success()).warnings).toEqual([]);
  });
});

describe("tolerated oddities become null plus a warning", () => {
  test.each<[string, Json, Partial<StkCallback>, string[]]>([
    ["Amount \"abc\" on a success", success((_, it) => { it[0] = { Name: "Amount", Value: "abc" }; }), { amountCents: null, status: "Unknown" }, [`${META}.Item[0].Value`, META]],
    ["Amount with 3 decimals", success((_, it) => { it[0] = { Name: "Amount", Value: 1.005 }; }), { amountCents: null, status: "Unknown" }, [`${META}.Item[0].Value`, META]],
    ["Amount beyond DECIMAL(10,2)", success((_, it) => { it[0] = { Name: "Amount", Value: 100000000 }; }), { amountCents: null, status: "Unknown" }, [`${META}.Item[0].Value`, META]],
    ["Amount 0", success((_, it) => { it[0] = { Name: "Amount", Value: 0 }; }), { amountCents: 0, status: "Unknown" }, [META]],
    ["Amount as an object", success((_, it) => { it[0] = { Name: "Amount", Value: {} }; }), { amountCents: null, status: "Unknown" }, [`${META}.Item[0].Value`, META]],
    ["an impossible TransactionDate", success((_, it) => { it[2] = { Name: "TransactionDate", Value: 20250230103112 }; }), { transactionDate: null, status: "Success" }, [`${META}.Item[2].Value`]],
    ["a PhoneNumber that is not one", success((_, it) => { it[3] = { Name: "PhoneNumber", Value: "call me" }; }), { phone: null, status: "Success" }, [`${META}.Item[3].Value`]],
    ["a 31-character receipt", success((_, it) => { it[1] = { Name: "MpesaReceiptNumber", Value: "R".repeat(31) }; }), { receipt: null, status: "Unknown" }, [`${META}.Item[1].Value`, META]],
    // Any scalar may come as a number where a string is usual (issue 11: tolerant reading): read as its text.
    ["a numeric receipt", success((_, it) => { it[1] = { Name: "MpesaReceiptNumber", Value: 12345 }; }), { receipt: "12345", status: "Success" }, []],
    ["a repeated Amount", success((_, it) => { it.push({ Name: "Amount", Value: 1 }); }), { amountCents: 150000, status: "Success" }, [`${META}.Item[4].Name`]],
    ["an item without Name", success((_, it) => { it.push({ Value: 1 }); }), { status: "Success" }, [`${META}.Item[4].Name`]],
    ["Item as a string", success((c) => { c.CallbackMetadata = { Item: "Amount=1" }; }), { amountCents: null, status: "Unknown" }, [`${META}.Item`, META]],
    ["CallbackMetadata as an array", success((c) => { c.CallbackMetadata = []; }), { amountCents: null, status: "Unknown" }, [META, META]],
    ["a success without CallbackMetadata", success((c) => { delete c.CallbackMetadata; }), { status: "Unknown" }, [META]],
    ["MerchantRequestID as a number", success((c) => { c.MerchantRequestID = 42; }), { merchantRequestId: "42" }, []],
    ["CheckoutRequestID as a number", success((c) => { c.CheckoutRequestID = 12345; }), { checkoutRequestId: "12345" }, []],
    ["a 101-character MerchantRequestID", success((c) => { c.MerchantRequestID = "m".repeat(101); }), { merchantRequestId: null }, ["Body.stkCallback.MerchantRequestID"]],
    ["ResultDesc as a number", success((c) => { c.ResultDesc = 0; }), { resultDesc: "0" }, []],
    ["ResultDesc an object", success((c) => { c.ResultDesc = { text: "ok" }; }), { resultDesc: "" }, ["Body.stkCallback.ResultDesc"]],
    ["no ResultDesc", success((c) => { delete c.ResultDesc; }), { resultDesc: "" }, ["Body.stkCallback.ResultDesc"]],
    ["an undocumented ResultCode", success((c) => { c.ResultCode = 7777; delete c.CallbackMetadata; }), { status: "Unknown", resultCode: "7777" }, ["Body.stkCallback.ResultCode"]],
  ])("%s", (_, body, expected, warningPaths) => {
    const cb = accepted(body);
    expect(cb).toMatchObject(expected);
    expect(paths(cb.warnings)).toEqual(warningPaths);
  });

  test("a wrongly typed Value is warned about once, by the shape check", () => {
    const cb = accepted(success((_, it) => { it[0] = { Name: "Amount", Value: true }; }));
    expect(cb.warnings[0]).toEqual({ path: `${META}.Item[0].Value`, message: "must be a number, a string or null, got true" });
  });

  test("a ResultDesc longer than 255 characters is cut to 255, with a warning", () => {
    const cb = accepted(success((c) => { c.ResultDesc = "d".repeat(300); }));
    expect(cb.resultDesc).toBe("d".repeat(255));
    expect(cb.warnings).toEqual([{ path: "Body.stkCallback.ResultDesc", message: "is 300 characters long; kept the first 255 (the raw body keeps it whole)" }]);
  });

  test("ResultDesc is cut by characters, never inside an emoji", () => {
    const fits = accepted(success((c) => { c.ResultDesc = "😀".repeat(255); })); // 510 UTF-16 units, 255 characters
    expect(fits.resultDesc).toBe("😀".repeat(255));
    expect(fits.warnings).toEqual([]);
    expect(accepted(success((c) => { c.ResultDesc = "😀".repeat(256); })).resultDesc).toBe("😀".repeat(255));
  });
});

describe("rejected: the callback cannot be identified", () => {
  const CB = "Body.stkCallback";
  test.each<[string, unknown, Problem[]]>([
    ["null", null, [{ path: "(body)", message: "must be an object, got null" }]],
    ["an array", [success()], [{ path: "(body)", message: "must be an object, got an array" }]],
    ["a string", "Body", [{ path: "(body)", message: "must be an object, got a string" }]],
    ["an empty object", {}, [{ path: "Body", message: "is required" }]],
    ["stkCallback at the top level", success().Body, [{ path: "Body", message: "is required: stkCallback was found at the top level, but Daraja wraps it in Body ({\"Body\":{\"stkCallback\":{…}}})" }]],
    ["Body null", { Body: null }, [{ path: "Body", message: "must be an object, got null" }]],
    ["Body an array", { Body: [] }, [{ path: "Body", message: "must be an object, got an array" }]],
    ["no stkCallback", { Body: {} }, [{ path: `${CB}`, message: "is required" }]],
    ["stkCallback a string", { Body: { stkCallback: "{}" } }, [{ path: CB, message: "must be an object, got a string" }]],
    ["stkCallback null", { Body: { stkCallback: null } }, [{ path: CB, message: "must be an object, got null" }]],
    ["no CheckoutRequestID", success((c) => { delete c.CheckoutRequestID; }), [{ path: `${CB}.CheckoutRequestID`, message: "is required" }]],
    ["an empty CheckoutRequestID", success((c) => { c.CheckoutRequestID = ""; }), [{ path: `${CB}.CheckoutRequestID`, message: "must not be empty" }]],
    ["a blank CheckoutRequestID", success((c) => { c.CheckoutRequestID = "  "; }), [{ path: `${CB}.CheckoutRequestID`, message: "must not be empty" }]],
    ["a CheckoutRequestID null", success((c) => { c.CheckoutRequestID = null; }), [{ path: `${CB}.CheckoutRequestID`, message: "must be a string or a number, got null" }]],
    ["a 101-character CheckoutRequestID", success((c) => { c.CheckoutRequestID = "x".repeat(101); }), [{ path: `${CB}.CheckoutRequestID`, message: "must be at most 100 characters long, got 101" }]],
    ["no ResultCode", success((c) => { delete c.ResultCode; }), [{ path: `${CB}.ResultCode`, message: "is required" }]],
    ["ResultCode null", success((c) => { c.ResultCode = null; }), [{ path: `${CB}.ResultCode`, message: "must be an integer or a string, got null" }]],
    ["ResultCode an object", success((c) => { c.ResultCode = { code: 0 }; }), [{ path: `${CB}.ResultCode`, message: "must be an integer or a string, got an object" }]],
    ["ResultCode \"\"", success((c) => { c.ResultCode = ""; }), [{ path: `${CB}.ResultCode`, message: "must not be empty" }]],
    ["ResultCode blank", success((c) => { c.ResultCode = " "; }), [{ path: `${CB}.ResultCode`, message: "must not be empty" }]],
    ["ResultCode 1.5", success((c) => { c.ResultCode = 1.5; }), [{ path: `${CB}.ResultCode`, message: "must be an integer or a string, got 1.5" }]],
    ["ResultCode true", success((c) => { c.ResultCode = true; }), [{ path: `${CB}.ResultCode`, message: "must be an integer or a string, got true" }]],
    ["ResultCode of 21 characters", success((c) => { c.ResultCode = "E".repeat(21); }), [{ path: `${CB}.ResultCode`, message: "must be at most 20 characters long, got 21" }]],
    ["ResultCode beyond exact integers", success((c) => { c.ResultCode = 2 ** 60; }), [{ path: `${CB}.ResultCode`, message: "is out of range" }]],
  ])("%s", (_, body, problems) => {
    expect(rejected(body)).toEqual(problems);
  });

  test("every problem is listed at once, tolerated ones are not", () => {
    const body = success((c) => { c.CheckoutRequestID = true; c.ResultCode = null; c.MerchantRequestID = {}; c.ResultDesc = []; });
    expect(paths(rejected(body))).toEqual([`${CB}.CheckoutRequestID`, `${CB}.ResultCode`]);
  });

  test("a CheckoutRequestID is read without the blanks around it", () => {
    expect(accepted(success((c) => { c.CheckoutRequestID = " ws_CO_1 "; })).checkoutRequestId).toBe("ws_CO_1");
  });
});

describe("parseJson", () => {
  test.each<[string, unknown]>([
    ['{"Body":{}}', { Body: {} }],
    ["\uFEFF{\"a\":1}", { a: 1 }], // a byte-order mark some clients send
    ["null", null],
    [" [1] ", [1]],
  ])("%p parses", (text, value) => {
    expect(parseJson(text)).toEqual({ ok: true, value });
  });

  test.each([["{"], ['{"Body":'], ["{} x"], ["[1,]"], ["nul"], ["{'a':1}"]])("%p is not JSON", (text) => {
    const r = parseJson(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.path).toBe("(body)");
    expect(r.problems[0]?.message).toStartWith("is not valid JSON (");
    expect(r.problems[0]?.message.length).toBeLessThan(150);
  });

  test.each([[""], ["  \n"]])("%p is an empty body", (text) => {
    expect(parseJson(text)).toEqual({ ok: false, problems: [{ path: "(body)", message: "is empty, expected a JSON object" }] });
  });

  test("the parser's reason is kept, without its prefix", () => {
    expect(parseJson('{"a":"b')).toEqual({ ok: false, problems: [{ path: "(body)", message: "is not valid JSON (Unterminated string)" }] });
  });
});
