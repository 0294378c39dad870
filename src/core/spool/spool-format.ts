// The spool's record format: MAGIC, length, CRC-32, then the request as JSON. A torn tail (a crash mid-write) or a
// damaged record is detected by length and checksum, skipped, and the reader resynchronises at the next MAGIC.
import type { CallbackRequest } from "../ingest/batch-plan.ts";

const MAGIC = Buffer.from("MPCB1\n");
const HEADER = MAGIC.length + 8; // magic, u32 length, u32 crc32

export function encodeRecord(r: CallbackRequest): Buffer {
  const json = Buffer.from(JSON.stringify({ ...r, receivedAt: r.receivedAt.toISOString() }));
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(json.length, MAGIC.length);
  header.writeUInt32BE(Bun.hash.crc32(json), MAGIC.length + 4);
  return Buffer.concat([header, json]);
}

export interface Decoded {
  records: CallbackRequest[];
  damaged: number; // records skipped because their checksum, length or JSON was wrong
  tornTail: boolean; // the file ends inside a record: the write that was under way when the process died
}

export function decodeRecords(data: Buffer): Decoded {
  const out: Decoded = { records: [], damaged: 0, tornTail: false };
  let at = data.indexOf(MAGIC);
  if (at > 0) out.damaged++; // bytes before the first record
  while (at >= 0 && at < data.length) {
    if (data.length - at < HEADER) return { ...out, tornTail: true };
    const length = data.readUInt32BE(at + MAGIC.length);
    const end = at + HEADER + length;
    const next = data.indexOf(MAGIC, at + 1);
    if (end > data.length && next < 0) return { ...out, tornTail: true };
    const record = end <= data.length && (next < 0 || next >= end) ? parse(data, at, length) : null;
    if (record) out.records.push(record);
    else out.damaged++;
    at = record ? data.indexOf(MAGIC, end) : next;
  }
  return out;
}

function parse(data: Buffer, at: number, length: number): CallbackRequest | null {
  const json = data.subarray(at + HEADER, at + HEADER + length);
  if (Bun.hash.crc32(json) !== data.readUInt32BE(at + MAGIC.length + 4)) return null;
  try {
    // Records written before edgeProblems and sourceVerdict were kept simply lack them.
    const r = JSON.parse(json.toString()) as Omit<CallbackRequest, "receivedAt"> & { receivedAt: string };
    return { ...r, receivedAt: new Date(r.receivedAt) };
  } catch {
    return null;
  }
}
