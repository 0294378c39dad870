// Error text that reaches a log line or a stored row: one line with its causes, and no secret in it.

/** The error and its causes in one line, each code named once: libraries wrap fetch failures ("Network request failed"). */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    const message = cur instanceof Error ? cur.message : String(cur);
    parts.push(typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.filter((p, i) => p !== "" && parts.indexOf(p) === i).join(": ");
}

/**
 * Replaces every secret in `text`, as is and URL-encoded (errors may quote a request URL), with `mask`. Secrets under
 * 6 characters are left alone: toy values would mangle the words. Longest first, so that no part of one is left.
 */
export function scrubSecrets(text: string, secrets: readonly string[], mask = "***"): string {
  const forms = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap((s) => [s, encodeURIComponent(s)]))];
  return forms.sort((a, b) => b.length - a.length).reduce((out, form) => out.split(form).join(mask), text);
}

const MIN_SECRET_LENGTH = 6;
