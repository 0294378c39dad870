// Pure: how personal data looks after retention. Phone numbers as in logs (2547******49), names as an initial (J***),
// parties ("254700000004 - JANE DOE") both ways. Every mask is idempotent: a value holding `*` is already masked.
import { maskPhone } from "../phone.ts";

const MASKED = "*";

/** A phone number, or an MSISDN as Safaricom sends it (plain, masked, or a SHA-256 hash): first 4, last 2 kept. */
export function maskIdentifier(v: string): string {
  return v === "" || v.includes(MASKED) ? v : maskPhone(v);
}

/** A name: its first letter and `***`. */
export function maskName(v: string): string {
  const first = Array.from(v.trim())[0];
  return first === undefined || v.includes(MASKED) ? v : `${first}***`;
}

// A number of 9 digits or more is a phone number (a shortcode has 5 to 7 and stays).
const PHONE_LIKE = /^\+?\d{9,15}$/;

/** A Result party: `<number> - <name>`, either part alone, or a shortcode with the organisation's name. */
export function maskParty(v: string): string {
  const at = v.indexOf(" - ");
  const [who, name] = at === -1 ? (/^[+\d\s]+$/.test(v) ? [v, null] : [null, v]) : [v.slice(0, at), v.slice(at + 3)];
  const number = who === null ? null : PHONE_LIKE.test(who.replace(/\s/g, "")) ? maskIdentifier(who) : who;
  const masked = name === null ? null : maskName(name);
  return [number, masked].filter((p) => p !== null).join(" - ");
}

// The ResultParameters that name a person (SPEC §6–§9), and a timeout's echoed PartyA/PartyB.
const PERSONAL_KEY = /(Party(Public)?Name|^Party[AB]|MSISDN|PhoneNumber)$/i;

/** daraja_results.parameters (a JSON object by Key): every personal value masked; the text unchanged when none is. */
export function maskParameters(json: string): string {
  let params: unknown;
  try {
    params = JSON.parse(json);
  } catch {
    return json; // not ours to read: left as it is
  }
  if (params === null || typeof params !== "object" || Array.isArray(params)) return json;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    const masked = PERSONAL_KEY.test(k) && (typeof v === "string" || typeof v === "number") ? maskParty(String(v)) : v;
    if (masked !== v) changed = true;
    out[k] = masked;
  }
  return changed ? JSON.stringify(out) : json;
}

// A Kenyan number inside text (2547…, 2541…, 07…, 01…, 7…), not part of a longer number such as a time.
const PHONE_IN_TEXT = /(?<![\d*])(?:254|0)?[17]\d{8}(?![\d*])/g;

/** Free text (a problem quoting a value): each phone number in it masked. */
export function maskPhonesInText(v: string): string {
  return v.replace(PHONE_IN_TEXT, (p) => maskPhone(p));
}
