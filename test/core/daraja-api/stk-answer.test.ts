// The STK Query answers of the shared fixtures (and a few more) classified as values; the password and timestamp.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { classifyStkQuery } from "../../../src/core/daraja-api/stk-answer.ts";
import { darajaTimestamp, stkPassword } from "../../../src/core/daraja-api/stk-password.ts";

const DIR = join(import.meta.dir, "../../../src/core/daraja/stk/fixtures/stk_query");
const read = async (name: string) => JSON.parse(await Bun.file(join(DIR, name)).text()) as Record<string, unknown>;
const ID = "ws_CO_15012025103045123700000001";

// Every answer fixture, with the HTTP status Daraja sends it with and what it means.
const FIXTURES: Record<string, { status: number; kind: string; resultCode?: string }> = {
  "error_being_processed_500.json": { status: 500, kind: "pending" },
  "error_empty_message_500.json": { status: 500, kind: "pending" },
  "error_spike_arrest.json": { status: 500, kind: "throttled" },
  "response_cancelled_1032.json": { status: 200, kind: "final", resultCode: "1032" },
  "response_still_processing_4999.json": { status: 200, kind: "pending" },
  "response_success.json": { status: 200, kind: "final", resultCode: "0" },
};

describe("classifyStkQuery", () => {
  test("every fixture file is classified here (and request.json is the request)", () => {
    expect(readdirSync(DIR).sort()).toEqual([...Object.keys(FIXTURES), "request.json"].sort());
  });

  for (const [name, expected] of Object.entries(FIXTURES)) {
    test(name, async () => {
      const body = await read(name);
      const answer = classifyStkQuery(expected.status, body, String(body.CheckoutRequestID ?? ID));
      expect(answer.kind).toBe(expected.kind as never);
      if (answer.kind === "final") expect(answer.resultCode).toBe(expected.resultCode as string);
    });
  }

  test.each([
    [200, { ResultCode: 0, ResultDesc: "ok", CheckoutRequestID: ID }, { kind: "final", resultCode: "0", resultDesc: "ok" }],
    [200, { ResultCode: "1037", ResultDesc: "DS timeout user cannot be reached." }, { kind: "final", resultCode: "1037", resultDesc: "DS timeout user cannot be reached." }],
    [500, { errorCode: "500.003.03", errorMessage: "Quota Violation" }, { kind: "throttled" }],
    [429, null, { kind: "throttled" }],
    [500, { errorCode: "500.001.1001", errorMessage: "The transaction does not Exist" }, { kind: "pending" }],
    [400, { errorCode: "400.002.02", errorMessage: "Bad Request - Invalid BusinessShortCode" }, { kind: "error", message: "Daraja answered HTTP 400: 400.002.02 Bad Request - Invalid BusinessShortCode" }],
    [502, null, { kind: "error", message: "Daraja answered HTTP 502" }],
    [200, { ResponseCode: "0" }, { kind: "error", message: "Daraja answered HTTP 200" }],
    [200, { ResultCode: "0", CheckoutRequestID: "ws_CO_OTHER" }, { kind: "error", message: "Daraja answered for another CheckoutRequestID (ws_CO_OTHER)" }],
  ] as const)("HTTP %d %j", (status, body, expected) => {
    expect(classifyStkQuery(status, body, ID)).toEqual(expected as never);
  });
});

describe("password and timestamp", () => {
  test("the timestamp is Nairobi wall time (UTC+3), YYYYMMDDHHmmss", () => {
    expect(darajaTimestamp(new Date("2025-01-15T07:35:00Z"))).toBe("20250115103500");
    expect(darajaTimestamp(new Date("2024-12-31T22:59:59.999Z"))).toBe("20250101015959");
  });

  test("the password is base64(shortcode + passkey + timestamp)", () => {
    const password = stkPassword("174379", "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919", "20250115103500");
    expect(Buffer.from(password, "base64").toString()).toBe("174379bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c91920250115103500");
  });
});
