// Who may read /metrics: loopback and MPESA_CB_METRICS_ALLOW, judged on the client behind a trusted proxy.
import { expect, test } from "bun:test";
import { parseCidr, type Cidr } from "../../../src/core/auth/cidr.ts";
import { checkMetricsAccess, refusal } from "../../../src/core/metrics/access.ts";

const cidrs = (...s: string[]) => s.map((c) => parseCidr(c) as Cidr);
const PROXIES = cidrs("127.0.0.1", "::1");

test.each([
  ["loopback v4", "127.0.0.1", {}, [], true],
  ["anywhere in 127/8", "127.3.2.1", {}, [], true],
  ["loopback v6", "::1", {}, [], true],
  ["IPv4-mapped loopback", "::ffff:127.0.0.1", {}, [], true],
  ["a LAN address, not allowed", "192.0.2.2", {}, [], false],
  ["a LAN address in the allowed range", "192.0.2.2", {}, ["192.0.2.0/24"], true],
  ["an allowed v6 address", "fd00::2", {}, ["fd00::/64"], true],
  ["through the local proxy, for an Internet client", "127.0.0.1", { "x-forwarded-for": "203.0.113.9" }, [], false],
  ["through the local proxy, for an allowed client", "127.0.0.1", { "x-forwarded-for": "203.0.113.9" }, ["203.0.113.0/24"], true],
  ["through the local proxy by X-Real-IP", "127.0.0.1", { "x-real-ip": "203.0.113.9" }, [], false],
  ["a forged X-Forwarded-For from an untrusted peer is ignored", "192.0.2.2", { "x-forwarded-for": "127.0.0.1" }, [], false],
  ["no peer address", null, {}, [], false],
] as const)("%s", (_, peer, headers, allow, allowed) => {
  const access = checkMetricsAccess(peer, new Headers(headers), { allow: cidrs(...allow), trustedProxies: PROXIES });
  expect(access.allowed).toBe(allowed);
});

test("the refusal names the client and the setting that lets it in", () => {
  expect(refusal("203.0.113.9")).toEqual({
    error: "metrics are not served to 203.0.113.9",
    hint: expect.stringContaining("MPESA_CB_METRICS_ALLOW=203.0.113.9"),
  });
});
