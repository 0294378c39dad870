// What a correct server answers: each check returns null when the reply is right, else why it is wrong.
import type { Reply } from "./http.ts";

/** A short, single-line picture of a reply for a failure message. */
export function showReply(reply: Reply): string {
  const body = reply.text.replace(/\s+/g, " ").trim();
  return `${reply.status} ${body.length > 160 ? `${body.slice(0, 160)}…` : body || "(empty body)"}`;
}

/** What an unexpected status most likely means, in the operator's terms. */
function statusHint(status: number): string {
  if (status === 404 || status === 405) return " — wrong URL or callback path? (check --url and --path)";
  if (status === 503) return " — the server could not store it: is its database up? (mpesa-cb health)";
  if (status >= 500) return " — a server-side failure: see the server log (journalctl -u mpesa-callback)";
  if (status >= 300 && status < 400) return " — a redirect: a proxy in front? callbacks must reach the server directly";
  return "";
}

/** 200 with ResultCode 0, our CheckoutRequestID echoed, and (when given) the outcome the server reports. */
export function checkAck(reply: Reply, checkoutRequestId: string, outcome?: string): string | null {
  if (reply.status !== 200) return `expected 200, got ${showReply(reply)}${statusHint(reply.status)}`;
  const problems = [
    field(reply, "ResultCode", 0),
    field(reply, "CheckoutRequestID", checkoutRequestId),
    outcome === undefined ? null : field(reply, "outcome", outcome),
  ].filter((p): p is string => p !== null);
  if (problems.length === 0) return null;
  // Acknowledged but only spooled: safe, yet the database is not taking callbacks.
  const hint = reply.json?.outcome === "spooled" ? " — the server spooled it because its database is unreachable (mpesa-cb health)" : "";
  return `not the acknowledgement a correct server gives: ${problems.join("; ")} (got ${showReply(reply)})${hint}`;
}

/** 400 with a non-zero ResultCode and an `errors` list of {path, message} naming `path`. */
export function checkRejected(reply: Reply, path: string): string | null {
  if (reply.status !== 400) return `expected 400 (rejected), got ${showReply(reply)}${statusHint(reply.status)}`;
  const errors = reply.json?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return `expected an \`errors\` list in the 400 body, got ${showReply(reply)}`;
  const paths = errors.map((e: unknown) => (typeof e === "object" && e !== null ? (e as { path?: unknown }).path : undefined));
  if (!paths.includes(path)) return `expected the errors to name ${path}, got ${showReply(reply)}`;
  if (reply.json?.ResultCode === 0) return `a rejection must not say ResultCode 0, got ${showReply(reply)}`;
  return null;
}

function field(reply: Reply, name: string, expected: unknown): string | null {
  const json = reply.json;
  if (json === null || !(name in json)) return `${name} is missing (expected ${JSON.stringify(expected)})`;
  if (json[name] !== expected) return `${name} is ${JSON.stringify(json[name])}, expected ${JSON.stringify(expected)}`;
  return null;
}
