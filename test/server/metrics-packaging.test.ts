// packaging/prometheus: the example scrape config and alert rules parse as YAML, are shaped as Prometheus expects,
// and every metric, label and label value an alert selects is one a running mpesa-cb really exposes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SETTINGS } from "../../src/core/config.ts";
import type { Service } from "../../src/server/service.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { startTestService } from "../support/service.ts";
import { parsePromText, type Family } from "../support/prom-text.ts";

const dir = resolve(import.meta.dir, "../../packaging/prometheus");
const yaml = (file: string) => Bun.YAML.parse(readFileSync(resolve(dir, file), "utf8")) as Record<string, unknown>;

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const scrapeConfig = yaml("scrape.yml") as { scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[]; rule_files: string[] };
const rules = ((yaml("alerts.yml") as { groups: { name: string; rules: Rule[] }[] }).groups ?? []).flatMap((g) => g.rules);
const [job] = scrapeConfig.scrape_configs;

let tdb: TestDatabase;
let service: Service;
let exposed: Map<string, Family>;
beforeAll(async () => {
  tdb = await createTestDatabase("sqlite");
  service = await startTestService(tdb);
  exposed = parsePromText(await (await fetch(`${service.url}/metrics`)).text());
});
afterAll(async () => {
  await service.stop();
  await tdb.drop();
});

test("scrape.yml: one mpesa-cb job reading /metrics on the default port, and the rule file", () => {
  expect(job?.job_name).toBe("mpesa-cb");
  expect(job?.metrics_path).toBe("/metrics");
  expect(job?.static_configs[0]?.targets).toEqual([`127.0.0.1:${SETTINGS.port.default}`]);
  expect(scrapeConfig.rule_files).toEqual(["/etc/prometheus/rules/mpesa-cb-alerts.yml"]);
});

test("alerts.yml: every rule has a unique name, an expression, a severity, a summary, and a valid `for`", () => {
  expect(rules.length).toBeGreaterThanOrEqual(8);
  expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  for (const r of rules) {
    expect([r.alert, /^MpesaCb[A-Z][A-Za-z0-9]+$/.test(r.alert), typeof r.expr, r.labels?.severity, typeof r.annotations?.summary])
      .toEqual([r.alert, true, "string", expect.stringMatching(/^(warning|critical)$/), "string"]);
    if (r.for !== undefined) expect([r.alert, r.for]).toEqual([r.alert, expect.stringMatching(/^\d+[smh]$/)]);
    expect([r.alert, balanced(r.expr)]).toEqual([r.alert, true]);
  }
});

test("the alerts cover what the operator must hear of", () => {
  const watched = rules.map((r) => r.expr).join("\n");
  for (const m of ["up{", "mpesa_cb_database_up", "mpesa_cb_spool_depth", 'status="503"', 'result="failed"', "mpesa_cb_confirm_verdicts_total", "mpesa_cb_callbacks_total"]) expect(watched).toContain(m);
  expect(rules.find((r) => r.expr.includes("mpesa_cb_spool_depth"))?.for).toBe("5m");
});

test("every metric, label and label value an alert selects is exposed by the running server", () => {
  for (const r of rules) {
    for (const m of r.expr.matchAll(/\b(up|mpesa_cb_[a-z0-9_]+)(\{([^}]*)\})?/g)) {
      const [, metric = "", , matchers = ""] = m;
      const selected = [...matchers.matchAll(/([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(([, label = "", op = "", value = ""]) => ({ label, op, value }));
      if (metric === "up") {
        expect([r.alert, selected]).toEqual([r.alert, [{ label: "job", op: "=", value: job?.job_name ?? "" }]]);
        continue;
      }
      const family = exposed.get(metric.replace(/_(bucket|sum|count)$/, ""));
      expect([r.alert, metric, family !== undefined]).toEqual([r.alert, metric, true]);
      for (const { label, op, value } of selected) {
        const values = new Set(family?.samples.map((s) => s.labels[label]).filter((v) => v !== undefined));
        expect([r.alert, metric, label, values.size > 0]).toEqual([r.alert, metric, label, true]);
        // A value an alert waits for exists from the start (at 0): its first occurrence is an increase.
        if (op === "=" || op === "=~") for (const v of value.split("|")) expect([r.alert, metric, label, v, values.has(v)]).toEqual([r.alert, metric, label, v, true]);
      }
    }
  }
});

function balanced(expr: string): boolean {
  let depth = 0;
  for (const c of expr) {
    depth += c === "(" || c === "{" || c === "[" ? 1 : c === ")" || c === "}" || c === "]" ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}
