// The spool file: records survive a restart, a torn tail or a damaged record is skipped, never the good ones.
import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spool } from "../../../src/core/spool/spool.ts";
import { decodeRecords, encodeRecord } from "../../../src/core/spool/spool-format.ts";
import type { CallbackRequest } from "../../../src/core/ingest/batch-plan.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "mpesa-cb-spool-"));
  dirs.push(d);
  return d;
};
const request = (n: number): CallbackRequest => ({
  id: `req-${n}`, receivedAt: new Date(Date.UTC(2025, 0, 15, 7, 0, n)), sourceIp: "196.201.214.200", route: "/mpesa/callback",
  rawBody: `{"n":${n},"text":"ünïcödé \\"quoted\\""}`,
});

describe("spool record format", () => {
  test("round trip keeps every field", () => {
    const records = [request(1), request(2)];
    expect(decodeRecords(Buffer.concat(records.map(encodeRecord)))).toEqual({ records, damaged: 0, tornTail: false });
  });

  test("what the edge decided travels with the request (a replay must refuse what was refused live)", () => {
    const refused: CallbackRequest = { ...request(1), sourceVerdict: "unlisted", edgeProblems: [{ path: "(source)", message: "203.0.113.7 is not an allowed callback source" }] };
    expect(decodeRecords(encodeRecord(refused)).records).toEqual([refused]);
  });

  test("a record written before edge decisions were kept still decodes, with none", () => {
    const json = Buffer.from(JSON.stringify({ id: "old-1", receivedAt: "2025-01-15T07:00:01.000Z", sourceIp: null, route: "/mpesa/callback", rawBody: "{}" }));
    const header = Buffer.alloc(14);
    Buffer.from("MPCB1\n").copy(header, 0);
    header.writeUInt32BE(json.length, 6);
    header.writeUInt32BE(Bun.hash.crc32(json), 10);
    const [old] = decodeRecords(Buffer.concat([header, json])).records;
    expect(old?.id).toBe("old-1");
    expect(old?.edgeProblems).toBeUndefined();
  });

  test("a torn last record (crash mid-write) is reported, the records before it kept", () => {
    const whole = Buffer.concat([encodeRecord(request(1)), encodeRecord(request(2))]);
    const torn = whole.subarray(0, whole.length - 5);
    const d = decodeRecords(torn);
    expect([d.records.map((r) => r.id), d.tornTail, d.damaged]).toEqual([["req-1"], true, 0]);
  });

  test("a damaged record in the middle is skipped and reading resumes at the next one", () => {
    const a = encodeRecord(request(1));
    const b = Buffer.from(encodeRecord(request(2)));
    b[b.length - 3] = "X".charCodeAt(0); // flips payload bytes: the checksum no longer matches
    const d = decodeRecords(Buffer.concat([a, b, encodeRecord(request(3))]));
    expect([d.records.map((r) => r.id), d.damaged, d.tornTail]).toEqual([["req-1", "req-3"], 1, false]);
  });

  test("garbage alone decodes to nothing, without throwing", () => {
    expect(decodeRecords(Buffer.from("not a spool at all")).records).toEqual([]);
  });
});

describe("Spool", () => {
  test("appended records are counted, survive a restart, and are gone once done", async () => {
    const dir = tempDir();
    const spool = new Spool(dir);
    await spool.append([request(1), request(2)]);
    await spool.append([request(3)]);
    expect(spool.stats().depth).toBe(3);
    const again = new Spool(dir); // a new process on the same data directory
    expect(again.stats().depth).toBe(3);
    const batch = await again.next();
    expect(batch?.records.map((r) => r.id)).toEqual(["req-1", "req-2", "req-3"]);
    await again.append([request(4)]); // arrives while the frozen file is replayed
    await again.done(batch!);
    expect(again.stats().depth).toBe(1);
    expect((await again.next())?.records.map((r) => r.id)).toEqual(["req-4"]);
  });

  test("a torn tail left by a crash does not hide the records before it", async () => {
    const dir = tempDir();
    await new Spool(dir).append([request(1)]);
    appendFileSync(join(dir, "spool.log"), encodeRecord(request(2)).subarray(0, 20));
    const batch = await new Spool(dir).next();
    expect([batch?.records.map((r) => r.id), batch?.tornTail]).toEqual([["req-1"], true]);
  });

  test("files are replayed oldest first", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "spool-000000000000002.replay"), encodeRecord(request(2)));
    writeFileSync(join(dir, "spool-000000000000001.replay"), encodeRecord(request(1)));
    const spool = new Spool(dir);
    const first = await spool.next();
    expect(first?.records[0]?.id).toBe("req-1");
    await spool.done(first!);
    expect((await spool.next())?.records[0]?.id).toBe("req-2");
    expect(readdirSync(dir).sort()).toEqual(["spool-000000000000002.replay"]);
    expect(readFileSync(join(dir, "spool-000000000000002.replay")).length).toBeGreaterThan(0);
  });
});
