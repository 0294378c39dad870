// The test-side Prometheus text parser: it reads what the format allows (escapes included) and refuses the rest, so
// that the /metrics tests can fail on output Prometheus itself would reject.
import { expect, test } from "bun:test";
import { histogramOf, parsePromText, valueOf } from "../../support/prom-text.ts";

const GOOD = [
  "# HELP x_total A counter with \\\\ and \\n in its help.",
  "# TYPE x_total counter",
  'x_total{a="q\\"uote",b="back\\\\slash",c="new\\nline"} 3',
  "x_total 1.5e3",
  "# a plain comment",
  "",
  "# TYPE h histogram",
  'h_bucket{le="1"} 1',
  'h_bucket{le="+Inf"} 2',
  "h_sum 3.5",
  "h_count 2",
  "# TYPE g gauge",
  "g NaN",
  "g{k=\"v\"} -Inf 1700000000000",
  "g{k=\"w\"} Nan",
].join("\n");

test("reads families, types, help, labels with escapes and special values", () => {
  const f = parsePromText(GOOD);
  expect(f.get("x_total")?.type).toBe("counter");
  expect(f.get("x_total")?.help).toBe("A counter with \\ and \n in its help.");
  expect(valueOf(f, "x_total", { a: 'q"uote', b: "back\\slash", c: "new\nline" })).toBe(3);
  expect(valueOf(f, "x_total")).toBe(1500);
  expect(histogramOf(f, "h")).toEqual({ buckets: [[1, 1], [Number.POSITIVE_INFINITY, 2]], sum: 3.5, count: 2 });
  expect(valueOf(f, "g")).toBeNaN();
  expect(valueOf(f, "g", { k: "v" })).toBe(Number.NEGATIVE_INFINITY);
  expect(valueOf(f, "g", { k: "w" })).toBeNaN(); // as Go's ParseFloat (Prometheus) reads it; prom-client writes this
});

test.each([
  ["a sample before its TYPE", "y 1"],
  ["an unknown type", "# TYPE y countr"],
  ["TYPE twice", "# TYPE y gauge\n# TYPE y gauge"],
  ["HELP twice", "# HELP y a\n# HELP y b"],
  ["a malformed TYPE line", "# TYPE 1y gauge"],
  ["a value that is no number", "# TYPE y gauge\ny one"],
  ["a value that is almost NaN", "# TYPE y gauge\ny NaNa"],
  ["no value", "# TYPE y gauge\ny"],
  ["two spaces", "# TYPE y gauge\ny  1"],
  ["an unterminated label value", '# TYPE y gauge\ny{a="b} 1'],
  ["an unquoted label value", "# TYPE y gauge\ny{a=b} 1"],
  ["a bad label name", '# TYPE y gauge\ny{1a="b"} 1'],
  ["a bad escape", '# TYPE y gauge\ny{a="\\t"} 1'],
  ["a label twice", '# TYPE y gauge\ny{a="1",a="2"} 1'],
  ["a missing comma", '# TYPE y gauge\ny{a="1" b="2"} 1'],
  ["the same series twice", '# TYPE y gauge\ny{a="1"} 1\ny{a="1"} 2'],
  ["a bucket without le", "# TYPE h histogram\nh_bucket 1"],
  ["a suffix its type does not have", "# TYPE y counter\ny_bucket 1"],
  ["a bad timestamp", "# TYPE y gauge\ny 1 soon"],
])("refuses %s", (_, text) => {
  expect(() => parsePromText(text)).toThrow(/^line \d+: /);
});
