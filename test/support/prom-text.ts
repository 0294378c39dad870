// A strict parser of the Prometheus text exposition format (0.0.4), for tests: HELP and TYPE lines, samples with
// labels and escaped label values. Anything malformed throws, naming the line; so does a sample outside its family.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | null;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: [""], gauge: [""], untyped: [""], histogram: ["_bucket", "_sum", "_count"], summary: ["", "_sum", "_count"],
};

export function parsePromText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  text.split("\n").forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === "") return;
    if (line.startsWith("#")) return readComment(line, families, fail);
    const sample = readSample(line, fail);
    const family = familyOf(sample.name, families) ?? fail("a sample of no declared family (TYPE must come first)");
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) fail("the same series twice");
    seen.add(key);
    if (family.type === "histogram" && sample.name.endsWith("_bucket") && sample.labels.le === undefined) fail("a bucket without le");
    family.samples.push(sample);
  });
  return families;
}

function readComment(line: string, families: Map<string, Family>, fail: (why: string) => never): void {
  const m = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`).exec(line);
  if (m === null && /^# (HELP|TYPE) /.test(line)) fail("a malformed HELP or TYPE line");
  if (m === null) return; // any other comment is allowed
  const [, kind, name = "", rest = ""] = m;
  const family = families.get(name) ?? { name, type: "untyped" as MetricType, help: null, samples: [] };
  if (kind === "TYPE") {
    if (!TYPES.has(rest)) fail(`unknown type "${rest}"`);
    if (families.has(name) && (family.samples.length > 0 || family.type !== "untyped")) fail("TYPE after samples or twice");
    family.type = rest as MetricType;
  } else {
    if (family.help !== null) fail("HELP twice");
    family.help = unescape(rest, false, fail);
  }
  families.set(name, family);
}

function readSample(line: string, fail: (why: string) => never): Sample {
  const head = new RegExp(`^(${NAME})`).exec(line) ?? fail("no metric name");
  const name = head[1] as string;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === "{") {
    at++;
    while (line[at] !== "}") {
      const l = new RegExp(`^(${LABEL})="`).exec(line.slice(at)) ?? fail(`a bad label at column ${at + 1}`);
      const label = l[1] as string;
      at += l[0].length;
      const end = closingQuote(line, at) ?? fail("an unterminated label value");
      if (label in labels) fail(`label ${label} twice`);
      labels[label] = unescape(line.slice(at, end), true, fail);
      at = end + 1;
      if (line[at] === ",") at++;
      else if (line[at] !== "}") fail(`expected , or } at column ${at + 1}`);
    }
    at++;
  }
  const tail = /^ ([^ ]+)(?: (-?\d+))?$/.exec(line.slice(at)) ?? fail("expected one space, a value and an optional timestamp");
  return { name, labels, value: readValue(tail[1] as string, fail) };
}

function closingQuote(line: string, from: number): number | null {
  for (let i = from; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === '"') return i;
  }
  return null;
}

// Label values escape \\, \" and \n; HELP text escapes \\ and \n. Any other escape is malformed.
function unescape(s: string, quoted: boolean, fail: (why: string) => never): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    if (c === '"' && quoted) return '"';
    return fail(`a bad escape \\${c}`);
  });
}

// As Go's ParseFloat reads it (Prometheus does): NaN and Inf in any case; prom-client writes NaN as "Nan".
function readValue(s: string, fail: (why: string) => never): number {
  if (/^[+]?inf(inity)?$/i.test(s)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(s)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) fail(`"${s}" is not a number`);
  return Number(s);
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  for (const [name, f] of families) if (SUFFIXES[f.type].some((suffix) => sample === name + suffix)) return f;
  return undefined;
}

/** The value of one series (0 when absent: a counter not yet moved); labels must match exactly. */
export function valueOf(families: Map<string, Family>, sample: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  for (const f of families.values()) {
    for (const s of f.samples) if (s.name === sample && JSON.stringify(Object.entries(s.labels).sort()) === want) return s.value;
  }
  return 0;
}

/** Every series of a histogram with the given labels (besides le): buckets in order, sum and count. */
export function histogramOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): { buckets: [number, number][]; sum: number; count: number } {
  const f = families.get(name);
  if (f?.type !== "histogram") throw new Error(`${name} is not a histogram`);
  const matches = (s: Sample) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  const buckets = f.samples.filter((s) => s.name === `${name}_bucket` && matches(s)).map((s) => [readLe(s.labels.le), s.value] as [number, number]);
  return { buckets, sum: valueOf(families, `${name}_sum`, labels), count: valueOf(families, `${name}_count`, labels) };
}

function readLe(le: string | undefined): number {
  return le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
}
