// Fresh, recognisable IDs for simulated callbacks: every run is unique, and every ID says "simulated".

/**
 * Every simulated CheckoutRequestID starts with this (MerchantRequestID with `SIM-`, receipts with `SIM`),
 * so simulated rows can be found, and deleted, in a production database (README: Operating mpesa-cb).
 */
export const SIMULATED_PREFIX = "ws_CO_SIM";

/** The IDs one simulated payment carries. */
export interface SimIds {
  checkoutRequestId: string;
  merchantRequestId: string;
  receipt: string; // unique too: the server keeps one payment per receipt
}

export interface IdSource {
  runId: string;
  next(): SimIds;
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** `length` random base-36 characters (about 5.2 bits each). */
export function randomTag(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % 36]).join("");
}

/** One run: a random run tag (62 bits), then a counter, so IDs never repeat within a run or across runs. */
export function createIdSource(runId = randomTag(12)): IdSource {
  let seq = 0;
  return {
    runId,
    next() {
      const n = (seq++).toString(36);
      // Receipts are at most 30 characters (the server's limit); this is 3 + 12 + a few.
      return { checkoutRequestId: `${SIMULATED_PREFIX}${runId}${n}`, merchantRequestId: `SIM-${runId}-${n}`, receipt: `SIM${runId}${n}`.toUpperCase() };
    },
  };
}
