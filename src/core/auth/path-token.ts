// Secret path tokens: /mpesa/callback/<token>. Several may be valid at once (rotation); compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s).digest();

export type TokenCheck = "open" | "valid" | "wrong" | "missing";

/** `open` when no token is configured; otherwise whether `presented` (the path segment, or null) is one of them. */
export function checkPathToken(presented: string | null, tokens: readonly string[]): TokenCheck {
  if (tokens.length === 0) return presented === null ? "open" : "wrong";
  if (presented === null) return "missing";
  // Hash first: equal lengths for timingSafeEqual, and no early exit that tells how much of a token matched.
  const given = digest(presented);
  let match = false;
  for (const t of tokens) match = timingSafeEqual(given, digest(t)) || match;
  return match ? "valid" : "wrong";
}
