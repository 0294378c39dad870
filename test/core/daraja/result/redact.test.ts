// A queue-timeout echo carries the business's SecurityCredential (SPEC §6.1): redactSecrets takes every secret out of
// the raw text and leaves every other byte as sent.
import { describe, expect, test } from "bun:test";
import { isSecretKey, redactSecrets } from "../../../../src/core/daraja/result/redact.ts";
import { resultFixtures } from "../../../../src/core/daraja/result/fixtures.ts";

describe("redactSecrets", () => {
  const echo = resultFixtures.find((f) => f.name === "b2c_queue_timeout_request_echo")?.body ?? "";

  test("the echo fixture: the credential and the initiator gone, everything else byte for byte", () => {
    const out = redactSecrets(echo);
    expect(out).not.toContain("FAKE-ENCRYPTED-CREDENTIAL==");
    expect(out).not.toContain("testapi");
    expect(out.replace(/"\[redacted\]"/g, "X")).toBe(echo.replace('"FAKE-ENCRYPTED-CREDENTIAL=="', "X").replace('"testapi"', "X"));
  });

  test.each<[string, string, string]>([
    ["nested and spelled with spaces", '{"Result":{"Security Credential" : "abc\\"def"}}', '{"Result":{"Security Credential" : "[redacted]"}}'],
    ["a number value", '{"InitiatorPassword":1234}', '{"InitiatorPassword":"[redacted]"}'],
    ["an escaped key", '{"Security\\u0043redential":"abc"}', '{"Security\\u0043redential":"[redacted]"}'],
    ["a value that looks like a key", '{"Remarks":"SecurityCredential","x":"y"}', '{"Remarks":"SecurityCredential","x":"y"}'],
    ["nothing secret", '{"Amount":500,"PartyB":"254700000005"}', '{"Amount":500,"PartyB":"254700000005"}'],
    ["a body cut off inside the credential", '{"Amount":5,"SecurityCredential":"abc', '{"Amount":5,"SecurityCredential":"[redacted]"'],
    ["a body cut off elsewhere", '{"Remarks":"pay', '{"Remarks":"pay'],
  ])("%s", (_, raw, expected) => {
    expect(redactSecrets(raw)).toBe(expected);
  });

  // A regular expression over members took 4.5 s here: one pass takes milliseconds.
  test("a hostile megabyte of escaped quotes is read in one pass", () => {
    const started = performance.now();
    redactSecrets('"\\'.repeat(500_000));
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("every fixture without secrets is left exactly as sent", () => {
    for (const f of resultFixtures.filter((x) => x.name !== "b2c_queue_timeout_request_echo")) expect(redactSecrets(f.body)).toBe(f.body);
  });
});

test.each<[string, boolean]>([
  ["SecurityCredential", true], ["Security Credential", true], ["securitycredential", true], ["InitiatorName", true], ["Initiator", true],
  ["InitiatorPassword", true], ["Password", true], ["ConversationID", false], ["PartyA", false], ["TransactionReceipt", false], ["CreditPartyName", false], ["InitiatorAccountCurrentBalance", false],
])("isSecretKey(%p) → %p", (key, secret) => expect(isSecretKey(key)).toBe(secret));
