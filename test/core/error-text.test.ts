// Error text: causes followed into one line; every secret scrubbed, as is and URL-encoded, and nothing else.
import { expect, test } from "bun:test";
import { describeError, scrubSecrets } from "../../src/core/error-text.ts";

const coded = (message: string, code: string, cause?: unknown) => Object.assign(new Error(message, { cause }), { code });

test.each([
  ["follows causes and names their codes once", new Error("Network request failed: sendMessage", { cause: coded("Unable to connect", "ConnectionRefused") }),
    "Network request failed: sendMessage: Unable to connect (ConnectionRefused)"],
  ["a code the message already holds is not repeated", coded("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED"), "connect ECONNREFUSED 127.0.0.1:9"],
  ["a cause that repeats its wrapper is said once", new Error("timed out", { cause: new Error("timed out") }), "timed out"],
  ["not an Error: its text", "plain words", "plain words"],
  ["a cause that is not an Error", new Error("failed", { cause: "socket hang up" }), "failed: socket hang up"],
  ["empty messages are left out", new Error("", { cause: new Error("the real reason") }), "the real reason"],
  ["at most four levels", new Error("1", { cause: new Error("2", { cause: new Error("3", { cause: new Error("4", { cause: new Error("5") }) }) }) }), "1: 2: 3: 4"],
])("describeError: %s", (_, e, expected) => {
  expect(describeError(e)).toBe(expected);
});

const TOKEN = "123456:TEST-token_secret";
test.each([
  ["a bot token as is", `GET https://api.telegram.org/bot${TOKEN}/sendMessage failed`, [TOKEN], "<bot-token>", "GET https://api.telegram.org/bot<bot-token>/sendMessage failed"],
  ["a bot token URL-encoded", `fetch(http://x/bot${encodeURIComponent(TOKEN)}/getMe)`, [TOKEN], "<bot-token>", "fetch(http://x/bot<bot-token>/getMe)"],
  ["every secret, every time, *** by default", "key consumer-key-1 secret s3cr3t-value key consumer-key-1", ["consumer-key-1", "s3cr3t-value"], undefined,
    "key *** secret *** key ***"],
  ["a secret inside a longer one: the longer goes whole", "Basic abcdef123456", ["abcdef", "abcdef123456"], undefined, "Basic ***"],
  ["toy secrets under 6 characters are left alone", "the abc of it", ["abc", "12345"], undefined, "the abc of it"],
  ["no secrets: the text as it was", "nothing to hide", [], undefined, "nothing to hide"],
] as const)("scrubSecrets: %s", (_, text, secrets, mask, expected) => {
  expect(scrubSecrets(text, secrets, mask)).toBe(expected);
});
