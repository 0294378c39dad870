// Pure: the admin notifications a batch of results calls for (issue 12's event keys). Status alerts per new status of
// a row, conflict alerts per late result, conflict and B2C verdict, and the low-balance crossings the store found.
import type { IngestItem } from "../ingest/batch-plan.ts";
import type { DarajaResult } from "../daraja/result/parse-result.ts";
import type { ResultEvent } from "./result-outbox-sql.ts";
import type { ResultPlan, ResultRow, ResultWrite } from "./result-state.ts";
import type { B2cVerdict } from "./result-verdict.ts";

type Event = Omit<ResultEvent, "chat">;

/** Per item, in arrival order: what its outcome tells the admin. */
export function outcomeEvents(items: readonly IngestItem<DarajaResult>[], plan: ResultPlan): Event[] {
  return items.flatMap((item, i): Event[] => {
    const row = plan.after[i];
    const outcome = plan.outcomes[i];
    if (row === null || row === undefined) return [];
    const about = { api: row.api, key: row.key, requestId: item.request.id };
    switch (outcome) {
      case "new":
      case "updated":
        return [{ ...about, kind: "admin", eventKey: `status:${row.status}` }];
      // The row has a new status (what Daraja finally said): one alert says what it is and that it came after the
      // timeout (as STK's late success); a status alert beside it would tell the admin the same news twice.
      case "late-result":
        return [{ ...about, kind: "conflict", eventKey: "late-result" }];
      // The conflict count rises with every conflicting record, so each one is its own event.
      case "conflict":
        return [{ ...about, kind: "conflict", eventKey: `conflict:${row.conflictCount}` }];
      default:
        return [];
    }
  });
}

/** A B2C payout that disagrees with our request, or a success we never asked for. */
export function verdictEvents(writes: readonly ResultWrite[], verdicts: ReadonlyMap<ResultWrite, B2cVerdict | null>): Event[] {
  return writes.flatMap((w): Event[] => {
    const verdict = verdicts.get(w) ?? null;
    const flagged = verdict === "mismatch" || (verdict === "unsolicited" && w.row.status === "Success");
    return flagged ? [{ ...about(w.row), kind: "conflict", eventKey: `verdict:${verdict}` }] : [];
  });
}

function about(row: ResultRow) {
  return { api: row.api, key: row.key, requestId: row.requestId ?? "" };
}
