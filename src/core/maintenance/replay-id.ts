// A replay's request id is derived, not random: the same original with the same parse always gets the same id, so a
// second replay finds its row in callback_logs and writes nothing, while a parser change (another parse) replays anew.
import { createHash } from "node:crypto";
import type { Result } from "../result.ts";

/** A replay stored as quarantined may be tried again (after the data was fixed): this many times. */
export const REPLAY_ATTEMPTS = 5;

/** What the parser makes of a body today, as a digest. */
export function parseFingerprint(family: string, parsed: Result<unknown>): string {
  const json = JSON.stringify(parsed, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return createHash("sha256").update(`${family}\n${json}`).digest("hex");
}

/** The ids a replay of `original` (a request id, or `#row`) may take, in order: a UUID (version 8, name-based). */
export function replayIds(original: string, fingerprint: string): string[] {
  return Array.from({ length: REPLAY_ATTEMPTS }, (_, attempt) => nameUuid(`mpesa-cb replay\n${original}\n${fingerprint}\n${attempt}`));
}

function nameUuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex").slice(0, 32).split("");
  h[12] = "8"; // version 8: custom
  h[16] = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16); // the RFC 9562 variant
  const hex = h.join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
