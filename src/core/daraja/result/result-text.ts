// Small readers every Result body shares: identifiers, codes and descriptions as bounded text, the ids that identify
// a result (SPEC §5, §10), and the problem when none does.
import type { Problem } from "../../result.ts";
import { readText } from "../tolerant.ts";
import { MAX_ID_LENGTH, MAX_RESULT_CODE_LENGTH } from "../stk/stk-schema.ts";
import { MAX_RESULT_DESC_LENGTH } from "../stk/parse-stk.ts";

export interface ResultIds {
  originatorConversationId: string | null;
  conversationId: string | null;
}

/** A scalar as text, or null when blank or longer than its column (the shape check already warned). */
export function boundedText(v: unknown, max: number): string | null {
  const t = readText(v);
  return t === null || t === "" || t.length > max ? null : t;
}

export const readId = (v: unknown): string | null => boundedText(v, MAX_ID_LENGTH);
export const readCode = (v: unknown): string | null => boundedText(v, MAX_RESULT_CODE_LENGTH);

/** The ids of an envelope or an echo; null when it has neither (it cannot be matched to any request). */
export function readIds(r: Record<string, unknown>): ResultIds | null {
  // OriginatorCoversationID: the typo of Daraja's own samples (SPEC §10).
  const originatorConversationId = readId(r.OriginatorConversationID) ?? readId(r.OriginatorCoversationID);
  const conversationId = readId(r.ConversationID);
  return originatorConversationId === null && conversationId === null ? null : { originatorConversationId, conversationId };
}

export function unidentified(prefix: string): Problem {
  return { path: `${prefix}ConversationID`, message: `is required, or ${prefix}OriginatorConversationID: without either the result cannot be matched to a request` };
}

// result_desc is VARCHAR(255) as for STK; count characters, not UTF-16 units, and never cut an emoji in half.
export function readResultDesc(v: unknown, path: string, warnings: Problem[]): string | null {
  const text = readText(v);
  if (text === null || text === "") return null;
  const chars = Array.from(text);
  if (chars.length <= MAX_RESULT_DESC_LENGTH) return text;
  warnings.push({ path, message: `is ${chars.length} characters long; kept the first ${MAX_RESULT_DESC_LENGTH} (the raw body keeps it whole)` });
  return chars.slice(0, MAX_RESULT_DESC_LENGTH).join("");
}
