// A queue-timeout body may echo the original request (SPEC §6.1), SecurityCredential included: no secret of the
// business is kept in a record, and redactSecrets takes them out of the raw text before it is logged or stored.

// SecurityCredential (the encrypted initiator password), any password or secret, and the initiator's user name, which
// is half of that login (InitiatorName in B2C requests, Initiator in status, balance and reversal requests). Only those
// names: a B2B result's InitiatorAccountCurrentBalance is a parameter like any other, and is kept.
const SECRET_KEY = /credential|passw(or)?d|secret|^initiator(name)?$/i;

/** Whether a body's key (spaces and case ignored) names a secret the receiver must not keep. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/\s+/g, ""));
}

// A JSON member: "key" : value, where value is a string (escapes included), a number, true/false/null.
const MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g;

/**
 * The raw body text with the value of every secret member (at any depth) replaced by "[redacted]"; every other
 * byte is left as sent, so the stored body stays the one Daraja sent, less its secrets.
 */
export function redactSecrets(raw: string): string {
  return raw.replace(MEMBER, (whole, key: string, colon: string) => (isSecretKey(unescapeKey(key)) ? `"${key}"${colon}"[redacted]"` : whole));
}

function unescapeKey(key: string): string {
  try {
    return JSON.parse(`"${key}"`) as string;
  } catch {
    return key;
  }
}
