// Pure: the pieces of Telegram's HTML parse mode; every dynamic value goes through escapeHtml.
import { nairobiWallTime } from "../time.ts";

/** Telegram's HTML mode needs exactly these three escaped outside tags (Markdown would break on M-Pesa text). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

export const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;
export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

/** `Label: value`, the value escaped; null when there is no value, so the line is left out. */
export function field(label: string, value: string | null | undefined): string | null {
  return value === null || value === undefined || value === "" ? null : `${label}: ${escapeHtml(value)}`;
}

/** `Label: <html>` for a value already rendered (bold, code); null leaves the line out. */
export function fieldHtml(label: string, html: string | null): string | null {
  return html === null ? null : `${label}: ${html}`;
}

export function lines(parts: readonly (string | null)[]): string {
  return parts.filter((p): p is string => p !== null).join("\n");
}

/** `2025-01-15 10:31:12 EAT`: what the payer's phone showed, not the server's UTC. */
export function formatNairobiTime(date: Date): string {
  return `${nairobiWallTime(date)} EAT`;
}
