// The purge report in words, one line: the cutoff and what changed in each table that changed.
import type { PurgeReport } from "./purge.ts";

export function describePurge(r: PurgeReport): string {
  const tables = Object.entries(r.tables).filter(([, t]) => t.rows > 0).map(([name, t]) => `${name} ${t.rows} (${t.what})`);
  const verb = r.dryRun ? "would change" : "changed";
  return tables.length === 0
    ? `nothing older than ${r.cutoff} left to purge${r.dryRun ? " (dry run)" : ""}`
    : `rows older than ${r.cutoff} ${verb}: ${tables.join(", ")}${r.dryRun ? " (dry run: nothing written)" : ""}`;
}
