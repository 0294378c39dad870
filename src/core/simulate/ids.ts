// Fresh, recognisable IDs for simulated callbacks: every run is unique, and every ID says "simulated".

/**
 * Every simulated CheckoutRequestID starts with this (MerchantRequestID with `SIM-`, receipts with `SIM`),
 * so simulated rows can be found, and deleted, in a production database (README: Operating mpesa-cb).
 */
export const SIMULATED_PREFIX = "ws_CO_SIM";

/** Every simulated OriginatorConversationID (the key of a daraja_results row, `result_key`) starts with this. */
export const SIMULATED_RESULT_PREFIX = "SIM-";

// A simulated receipt is SIM, the run tag (12) and a counter: longer than any M-Pesa receipt (10 characters).
const SIMULATED_RECEIPT = /^SIM[0-9A-Z]{13,}$/;

/** Whether an id is one `simulate` made (a CheckoutRequestID, a receipt or TransID, an OriginatorConversationID). */
export function isSimulatedId(id: string | null | undefined): boolean {
  if (id === null || id === undefined) return false;
  return id.startsWith(SIMULATED_PREFIX) || id.startsWith(SIMULATED_RESULT_PREFIX) || SIMULATED_RECEIPT.test(id);
}

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
