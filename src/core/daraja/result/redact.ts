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

/**
 * The raw body text with the value of every secret member (at any depth) replaced by "[redacted]"; every other
 * byte is left as sent, so the stored body stays the one Daraja sent, less its secrets. One pass over the text (a
 * regular expression took seconds on a hostile body); a string cut off by the end of a truncated body counts too.
 */
export function redactSecrets(raw: string): string {
  let out = "";
  let copied = 0; // raw[0, copied) is in out
  let i = 0;
  while (i < raw.length) {
    if (raw[i] !== '"') { i++; continue; }
    const keyEnd = stringEnd(raw, i);
    let j = skipBlanks(raw, keyEnd);
    if (raw[j] !== ":") { i = keyEnd; continue; } // a string that is not a key: skipped whole
    j = skipBlanks(raw, j + 1);
    const valueEnd = raw[j] === '"' ? stringEnd(raw, j) : scalarEnd(raw, j);
    if (valueEnd > j && isSecretKey(unescapeKey(raw.slice(i + 1, keyEnd - 1)))) {
      out += `${raw.slice(copied, j)}"[redacted]"`;
      copied = valueEnd;
    }
    i = valueEnd > j ? valueEnd : j; // an object or a list: its members are read in turn
  }
  return out + raw.slice(copied);
}

/** The index after the string opening at `start` (escapes skipped), or the end of a text that cuts it off. */
function stringEnd(raw: string, start: number): number {
  for (let k = start + 1; k < raw.length; k++) {
    if (raw[k] === "\\") k++;
    else if (raw[k] === '"') return k + 1;
  }
  return raw.length;
}

function scalarEnd(raw: string, start: number): number {
  let k = start;
  while (k < raw.length && /[-+.\w]/.test(raw[k] ?? "")) k++;
  return k;
}

function skipBlanks(raw: string, start: number): number {
  let k = start;
  while (k < raw.length && /\s/.test(raw[k] ?? "")) k++;
  return k;
}

function unescapeKey(key: string): string {
  try {
    return JSON.parse(`"${key}"`) as string;
  } catch {
    return key;
  }
}
