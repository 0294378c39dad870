// The variations every family tolerates, undone before parsing (SPEC §10–§11).
import { describe, expect, test } from "bun:test";
import { normaliseBody, readText } from "../../../src/core/daraja/tolerant.ts";

describe("normaliseBody", () => {
  test.each<[string, unknown, unknown]>([
    ["keys with stray spaces", { " Conversation ID ": "c1", "Result\tCode": 0 }, { ConversationID: "c1", ResultCode: 0 }],
    ["the first spelling of a key wins", { ConversationID: "a", "Conversation ID": "b" }, { ConversationID: "a" }],
    ["a lone object where a list is usual", { Item: { Name: "Amount", Value: 1 } }, { Item: [{ Name: "Amount", Value: 1 }] }],
    ["a list of one where one value is usual", { CheckoutRequestID: ["ws_CO_1"], Body: [{ a: 1 }] }, { CheckoutRequestID: "ws_CO_1", Body: { a: 1 } }],
    ["lists of several stay lists", { Item: [{ Name: "A" }, { Name: "B" }], Tags: [1, 2] }, { Item: [{ Name: "A" }, { Name: "B" }], Tags: [1, 2] }],
    ["deep inside", { Body: { stkCallback: { "Callback Metadata": { Item: { Name: "Amount" } } } } }, { Body: { stkCallback: { CallbackMetadata: { Item: [{ Name: "Amount" }] } } } }],
    ["scalars and null untouched", { a: null, b: 1.5, c: "x" }, { a: null, b: 1.5, c: "x" }],
    ["not an object", "text", "text"],
  ])("%s", (_, input, output) => {
    expect(normaliseBody(input)).toEqual(output);
  });

  test("a body nested 30,000 deep is walked only so far, without a stack overflow", () => {
    let deep: unknown = { Item: { Name: "Amount" } };
    for (let i = 0; i < 30_000; i++) deep = { a: deep };
    const out = normaliseBody({ " Top Key ": deep }) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["TopKey"]);
  });

  test("a body with nothing to undo is returned as it is, not copied (the hot path); one with something is copied", () => {
    const usual = { Body: { stkCallback: { CheckoutRequestID: "ws_CO_1", CallbackMetadata: { Item: [{ Name: "Amount", Value: 1 }] } } } };
    expect(normaliseBody(usual)).toBe(usual);
    const odd = { Body: { stkCallback: { "Checkout Request ID": "ws_CO_1" } } };
    expect(normaliseBody(odd)).not.toBe(odd);
    expect(odd).toEqual({ Body: { stkCallback: { "Checkout Request ID": "ws_CO_1" } } }); // the input is never changed
  });

  test("__proto__ in a body changes no prototype", () => {
    const out = normaliseBody(JSON.parse('{"__proto__":{"polluted":true},"a":1}')) as Record<string, unknown>;
    expect([out.a, Object.getPrototypeOf(out) === Object.prototype, ({} as Record<string, unknown>).polluted]).toEqual([1, true, undefined]);
  });
});

describe("readText", () => {
  test.each<[unknown, string | null]>([[12345, "12345"], [" FAKE1 ", "FAKE1"], [0, "0"], [1500.5, "1500.5"], [null, null], [true, null], [Number.NaN, null], [{}, null]])(
    "%p → %p", (v, text) => expect(readText(v)).toBe(text));
});
