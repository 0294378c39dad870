import { describe, expect, test } from "bun:test";
import { inRanges, parseCidr, type Cidr } from "../../../src/core/auth/cidr.ts";
import { clientAddress } from "../../../src/core/auth/client-address.ts";
import { checkPathToken } from "../../../src/core/auth/path-token.ts";
import { checkSource, SAFARICOM_CALLBACK_IPS } from "../../../src/core/auth/source-check.ts";

const ranges = (...s: string[]): Cidr[] => s.map((x) => parseCidr(x) as Cidr);

describe("CIDR ranges", () => {
  test.each([
    ["196.201.214.200", ["196.201.214.200"], true],
    ["196.201.214.201", ["196.201.214.200"], false],
    ["10.1.2.3", ["10.0.0.0/8"], true],
    ["11.1.2.3", ["10.0.0.0/8"], false],
    ["::ffff:10.1.2.3", ["10.0.0.0/8"], true],
    ["2001:db8::1", ["2001:db8::/32"], true],
    ["2001:db9::1", ["2001:db8::/32"], false],
    ["::1", ["::1"], true],
    ["127.0.0.1", ["::1"], false],
    ["not an ip", ["0.0.0.0/0"], false],
    ["1.2.3.4", ["0.0.0.0/0"], true],
  ] as const)("%s in %j → %p", (ip, list, expected) => {
    expect(inRanges(ip, ranges(...list))).toBe(expected);
  });

  test.each(["1.2.3", "1.2.3.256", "10.0.0.0/33", "::1/129", "2001:db8:::1", "x/8", "1.2.3.4/"])("rejects %s", (s) => {
    expect(parseCidr(s)).toBeNull();
  });
});

describe("client address behind proxies", () => {
  const trusted = ranges("127.0.0.1", "10.0.0.0/8");
  const h = (xff?: string, real?: string) => new Headers({ ...(xff ? { "x-forwarded-for": xff } : {}), ...(real ? { "x-real-ip": real } : {}) });

  test("an untrusted peer's forwarding headers are ignored (spoofing)", () => {
    expect(clientAddress("203.0.113.9", h("196.201.214.200"), trusted)).toBe("203.0.113.9");
  });
  test("a trusted proxy's X-Forwarded-For is read from the right, skipping our own hops", () => {
    expect(clientAddress("127.0.0.1", h("6.6.6.6, 196.201.214.200, 10.0.0.5"), trusted)).toBe("196.201.214.200");
  });
  test("a client-supplied left-most entry cannot win over the hop the proxy added", () => {
    expect(clientAddress("127.0.0.1", h("196.201.214.200, 203.0.113.9"), trusted)).toBe("203.0.113.9");
  });
  test("X-Real-IP when there is no X-Forwarded-For; the peer when there is neither", () => {
    expect(clientAddress("127.0.0.1", h(undefined, "196.201.212.69"), trusted)).toBe("196.201.212.69");
    expect(clientAddress("127.0.0.1", h(), trusted)).toBe("127.0.0.1");
  });
});

describe("path tokens", () => {
  test.each([
    [null, [], "open"],
    ["abc", [], "wrong"],
    [null, ["new-token"], "missing"],
    ["new-token", ["old-token", "new-token"], "valid"],
    ["old-token", ["old-token", "new-token"], "valid"],
    ["old-token", ["new-token"], "wrong"],
    ["new-toke", ["new-token"], "wrong"],
  ] as const)("%p against %j → %s", (presented, tokens, expected) => {
    expect(checkPathToken(presented, tokens)).toBe(expected);
  });
});

describe("source allowlist", () => {
  const list = ranges(...SAFARICOM_CALLBACK_IPS);
  test.each([
    ["196.201.212.69", "enforce", "listed", false],
    ["203.0.113.9", "enforce", "unlisted", true],
    ["203.0.113.9", "report", "unlisted", false],
    ["203.0.113.9", "off", "unchecked", false],
    [null, "enforce", "unlisted", true],
  ] as const)("%p in %s mode → %s", (ip, mode, verdict, refuse) => {
    expect(checkSource(ip, list, mode)).toEqual({ verdict, refuse });
  });
});
