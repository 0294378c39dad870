import { describe, expect, test } from "bun:test";
import { GroupCommit } from "../../../src/core/ingest/group-commit.ts";

function recorder(delayMs = 5) {
  const batches: number[][] = [];
  const gc = new GroupCommit<number, string>({
    maxBatch: 4,
    windowMs: 1,
    concurrency: 1,
    keyOf: () => null,
    write: async (items) => {
      batches.push(items);
      await Bun.sleep(delayMs);
      return items.map((i) => `ok ${i}`);
    },
  });
  return { gc, batches };
}

describe("GroupCommit", () => {
  test("concurrent submissions share writes, bounded by maxBatch, in arrival order", async () => {
    const { gc, batches } = recorder();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => `ok ${i}`));
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...batches.map((b) => b.length))).toBe(4);
    expect(batches.length).toBeLessThan(10);
  });

  test("with concurrency, writes overlap but never share a key, and each key keeps its arrival order", async () => {
    const held = new Set<string>();
    const seen: string[] = [];
    let overlap = 0;
    let running = 0;
    const gc = new GroupCommit<string, string>({
      maxBatch: 3, windowMs: 0, concurrency: 3, keyOf: (s) => s.split(":")[0] ?? null,
      write: async (items) => {
        overlap = Math.max(overlap, ++running);
        const keys = new Set(items.map((s) => s.split(":")[0] as string));
        for (const k of keys) {
          if (held.has(k)) throw new Error(`key ${k} in two writes`);
          held.add(k);
        }
        seen.push(...items);
        await Bun.sleep(3);
        for (const k of keys) held.delete(k);
        running--;
        return items;
      },
    });
    const items = Array.from({ length: 30 }, (_, i) => `${"abcde"[i % 5]}:${i}`);
    expect(await Promise.all(items.map((s) => gc.submit(s)))).toEqual(items);
    expect(overlap).toBeGreaterThan(1);
    for (const k of "abcde") {
      const order = seen.filter((s) => s.startsWith(`${k}:`));
      expect(order).toEqual(items.filter((s) => s.startsWith(`${k}:`)));
    }
  });

  test("one write at a time", async () => {
    let running = 0;
    let most = 0;
    const gc = new GroupCommit<number, number>({
      maxBatch: 2, windowMs: 0, concurrency: 1, keyOf: () => null,
      write: async (items) => {
        most = Math.max(most, ++running);
        await Bun.sleep(2);
        running--;
        return items;
      },
    });
    await Promise.all(Array.from({ length: 9 }, (_, i) => gc.submit(i)));
    expect(most).toBe(1);
  });

  test("a lone submission is written after the window, not held", async () => {
    const { gc, batches } = recorder(0);
    // maxBatch is 4: a writer waiting for a full batch would never answer, and the test would time out.
    expect(await gc.submit(7)).toBe("ok 7");
    expect(batches).toEqual([[7]]);
  });

  test("a failed write rejects every submission of that batch, and the next batch still runs", async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>({
      maxBatch: 10, windowMs: 1, concurrency: 1, keyOf: () => null,
      write: async (items) => {
        if (calls++ === 0) throw new Error("database down");
        return items;
      },
    });
    const first = await Promise.allSettled([gc.submit(1), gc.submit(2)]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await gc.submit(3)).toBe(3);
  });

  test("drain waits for queued and running writes", async () => {
    const { gc, batches } = recorder(10);
    const pending = [gc.submit(1), gc.submit(2)];
    await gc.drain();
    expect(batches.flat()).toEqual([1, 2]);
    await Promise.all(pending);
  });
});
