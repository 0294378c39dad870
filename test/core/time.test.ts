// Daraja's YYYYMMDDHHmmss is Nairobi time (UTC+3, no DST); stored as UTC.
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { join } from "node:path";
import { darajaTimestamp, nairobiWallTime, parseDarajaDateTime, parseDarajaTimestamp, parseDottedNairobiTime, parseIsoWithOffset, toSqlUtc } from "../../src/core/time.ts";

describe("parseDarajaTimestamp", () => {
  test.each([
    [20250115103112, "2025-01-15T07:31:12.000Z"],
    ["20250115103112", "2025-01-15T07:31:12.000Z"],
    [" 20250115103112 ", "2025-01-15T07:31:12.000Z"],
    [20250101010000, "2024-12-31T22:00:00.000Z"], // before 03:00 Nairobi is the previous UTC day (and year)
    [20240229120000, "2024-02-29T09:00:00.000Z"], // a leap day
    [20250715103112, "2025-07-15T07:31:12.000Z"], // July: still +3, Kenya has no daylight saving
    [20251231235959, "2025-12-31T20:59:59.000Z"],
  ] as const)("%p → %p", (input, iso) => {
    expect(parseDarajaTimestamp(input)?.toISOString()).toBe(iso);
  });

  test.each([
    [20251315103112], // month 13
    [20250015103112], // month 0
    [20250230103112], // Feb 30
    [20230229120000], // Feb 29 in a common year
    [20250115243112], // hour 24
    [20250115106012], // minute 60
    [20250115103160], // second 60
    [20250100103112], // day 0
    ["00250115103112"], // year 25 would silently become 1925
    [2025011510311], // 13 digits
    ["202501151031120"], // 15 digits
    ["2025-01-15 10:31:12"],
    [20250115103112.5],
    [-20250115103112],
    [""], [null], [undefined], [{}], [true],
  ] as const)("%p → null", (input) => {
    expect(parseDarajaTimestamp(input)).toBeNull();
  });
});

// Result-family times (SPEC §6): B2C writes `dd.MM.yyyy HH:mm:ss` in Nairobi time.
describe("parseDottedNairobiTime", () => {
  test.each([
    ["15.01.2025 12:30:45", "2025-01-15T09:30:45.000Z"],
    [" 06.07.2024 22:48:52 ", "2024-07-06T19:48:52.000Z"],
    ["01.01.2025 01:00:00", "2024-12-31T22:00:00.000Z"], // the previous UTC day and year
    ["29.02.2024 12:00:00", "2024-02-29T09:00:00.000Z"],
  ] as const)("%p → %p", (input, iso) => {
    expect(parseDottedNairobiTime(input)?.toISOString()).toBe(iso);
  });

  test.each([
    ["30.02.2025 12:00:00"], ["29.02.2023 12:00:00"], ["15.13.2025 12:00:00"], ["00.01.2025 12:00:00"],
    ["15.01.2025 24:00:00"], ["15.01.2025 12:60:00"], ["15.01.2025 12:00:60"], ["15.01.0025 12:00:00"],
    ["2025.01.15 12:30:45"], ["15/01/2025 12:30:45"], ["15.01.2025"], ["5.1.2025 12:30:45"], [""], [20250115103112], [null],
  ] as const)("%p → null", (input) => {
    expect(parseDottedNairobiTime(input)).toBeNull();
  });
});

describe("parseIsoWithOffset", () => {
  test.each([
    ["2025-01-15T12:30:45+03:00", "2025-01-15T09:30:45.000Z"],
    ["2025-01-15T09:30:45Z", "2025-01-15T09:30:45.000Z"],
    ["2025-01-15T09:30:45.123Z", "2025-01-15T09:30:45.123Z"],
    ["2025-01-15 12:30:45+0300", "2025-01-15T09:30:45.000Z"],
    ["2025-01-15T00:30:45-05:30", "2025-01-15T06:00:45.000Z"],
  ] as const)("%p → %p", (input, iso) => {
    expect(parseIsoWithOffset(input)?.toISOString()).toBe(iso);
  });

  test.each([
    ["2025-01-15T12:30:45"], // no offset: whose clock? Not guessed
    ["2025-02-30T12:30:45Z"], ["2025-01-15T25:30:45Z"], ["2025-01-15T12:30:45+25:00"], ["2025-01-15"], ["yesterday"], [""], [1736933445000],
  ] as const)("%p → null", (input) => {
    expect(parseIsoWithOffset(input)).toBeNull();
  });
});

describe("parseDarajaDateTime: any of the three", () => {
  test.each([
    [20250115123045, "2025-01-15T09:30:45.000Z"],
    ["20250115123045", "2025-01-15T09:30:45.000Z"],
    ["15.01.2025 12:30:45", "2025-01-15T09:30:45.000Z"],
    ["2025-01-15T12:30:45+03:00", "2025-01-15T09:30:45.000Z"],
  ] as const)("%p → %p", (input, iso) => {
    expect(parseDarajaDateTime(input)?.toISOString()).toBe(iso);
  });

  test.each([["15.01.2025 12:30"], ["2025-01-15T12:30:45"], [""], [undefined], [{}]] as const)("%p → null", (input) => {
    expect(parseDarajaDateTime(input)).toBeNull();
  });
});

describe("toSqlUtc", () => {
  test.each([
    ["2025-01-15T07:31:12.000Z", "2025-01-15 07:31:12"],
    ["2024-12-31T22:00:00.999Z", "2024-12-31 22:00:00"],
  ] as const)("%p → %p", (iso, sql) => {
    expect(toSqlUtc(new Date(iso))).toBe(sql);
  });

  test("writes UTC, not the machine's zone", () => {
    const nairobi = parseDarajaTimestamp(20250115103112);
    expect(nairobi && toSqlUtc(nairobi)).toBe("2025-01-15 07:31:12");
  });
});

describe("nairobiWallTime and darajaTimestamp", () => {
  test.each([
    ["2025-01-15T07:31:12.000Z", "2025-01-15 10:31:12", "20250115103112"],
    ["2024-12-31T22:59:59.999Z", "2025-01-01 01:59:59", "20250101015959"], // the next day, and year, in Nairobi
    ["2025-07-15T07:31:12.000Z", "2025-07-15 10:31:12", "20250715103112"], // no daylight saving
  ] as const)("%p → %p, %p", (iso, wall, stamp) => {
    expect(nairobiWallTime(new Date(iso))).toBe(wall);
    expect(darajaTimestamp(new Date(iso))).toBe(stamp);
  });

  test("darajaTimestamp is parseDarajaTimestamp's inverse", () => {
    const at = new Date("2025-03-01T00:00:07.000Z");
    expect(parseDarajaTimestamp(darajaTimestamp(at))?.toISOString()).toBe(at.toISOString());
  });
});

// One of each (issue 10): Nairobi's offset lives in time.ts; every other file asks time.ts.
test("the Nairobi offset is written once, in src/core/time.ts", async () => {
  const src = join(import.meta.dir, "../../src");
  const offenders: string[] = [];
  for await (const file of new Glob("**/*.ts").scan(src)) {
    if (file === "core/time.ts") continue;
    const text = await Bun.file(join(src, file)).text();
    if (/3 \* 60 \* 60 \* 1000|10_?800_?000|NAIROBI_OFFSET|\+ 3 \* 3600/.test(text)) offenders.push(file);
  }
  expect(offenders).toEqual([]);
});
