// Records one final query answer in one transaction, under the same rules and keys as a callback: the payment row is
// read locked, the state rules decide, and the payment, its callback_logs row and its outbox rows commit together.
import { QueryTypes } from "sequelize";
import type { Database } from "../store/database.ts";
import { runSql } from "../store/raw-sql.ts";
import { newRequestId } from "../store/request-ids.ts";
import { txOptionsFor } from "../store/batch-runner.ts";
import { classifyFailure } from "../store/db-errors.ts";
import { FLAG_PAYMENT_SQL, selectPaymentsSql, toStored, type PaymentRow } from "../store/callback-sql.ts";
import { sqlTime } from "../store/callback-log-sql.ts";
import { outboxStatements } from "../store/outbox-sql.ts";
import type { NotifyTargets, OutboxEvent } from "../notify/notification-plan.ts";
import type { StkQueryAnswer } from "../daraja-api/stk-answer.ts";
import { decideQueryAnswer, type ReconcileAction } from "./reconcile-decide.ts";
import { queryLogBody } from "./query-log-body.ts";
import {
  INSERT_LOG_SQL, INSERT_RECOVERED_SQL, insertRecoveredValues, queryLogValues,
  UPDATE_RECOVERED_SQL, updateRecoveredValues, type Candidate,
} from "./reconcile-sql.ts";

type FinalAnswer = Extract<StkQueryAnswer, { kind: "final" }>;

/** The admin alert of a recovered payment: its own event key, so that it is never taken for a callback's alert. */
export const RECOVERED_EVENT_PREFIX = "recovered:";

/** Reads the payment as stored now (no lock): what a dry run decides on. */
export async function decideNow(db: Database, candidate: Candidate, answer: StkQueryAnswer): Promise<ReconcileAction> {
  const [row] = await db.sequelize.query<PaymentRow>(selectPaymentsSql(1, false), { replacements: [candidate.checkoutRequestId], type: QueryTypes.SELECT });
  return decideQueryAnswer(row === undefined ? undefined : toStored(row), answer);
}

/**
 * Writes the answer. A callback for the same payment committing at the same moment meets this transaction on the
 * payment's unique key or row lock: whichever commits second sees the other's row, and the rules make it a no-op
 * (already-final) or a conflict, never a second outcome.
 */
export async function recordAnswer(db: Database, o: { candidate: Candidate; answer: FinalAnswer; notify: NotifyTargets }): Promise<ReconcileAction> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.sequelize.transaction(txOptionsFor(db), (t) => writeAnswer(db, (sql, values) => runSql(db.dialect, t, sql, values), o));
    } catch (e) {
      const kind = classifyFailure(e);
      // conflict: a callback inserted the payment first, reading again sees it; transient: a lock or busy database.
      if ((kind === "conflict" || kind === "transient") && attempt < 5) {
        await Bun.sleep(5 * attempt * Math.random());
        continue;
      }
      throw e;
    }
  }
}

type Run = (sql: string, values: unknown[]) => Promise<unknown[]>;

async function writeAnswer(db: Database, run: Run, o: { candidate: Candidate; answer: FinalAnswer; notify: NotifyTargets }): Promise<ReconcileAction> {
  const key = o.candidate.checkoutRequestId;
  const [row] = (await run(selectPaymentsSql(1, db.dialect === "mysql"), [key])) as PaymentRow[];
  const current = row === undefined ? undefined : toStored(row);
  const action = decideQueryAnswer(current, o.answer);
  if (action.kind !== "record" && action.kind !== "conflict") return action;
  const facts = { candidate: o.candidate, status: action.status, resultCode: o.answer.resultCode, resultDesc: o.answer.resultDesc };
  const now = new Date();
  if (action.kind === "record" && action.mode === "insert") await run(INSERT_RECOVERED_SQL, insertRecoveredValues(facts));
  if (action.kind === "record" && action.mode === "update") await run(UPDATE_RECOVERED_SQL, updateRecoveredValues(facts, action.supersededStatus));
  if (action.kind === "conflict") await run(FLAG_PAYMENT_SQL, [action.conflictCount, o.answer.resultCode, sqlTime(now), key]);
  const requestId = newRequestId();
  const rawBody = queryLogBody(key, o.answer.resultCode, o.answer.resultDesc);
  const outcome = action.kind === "record" ? "recovered" : "conflict";
  await run(INSERT_LOG_SQL, queryLogValues({ requestId, checkoutRequestId: key, rawBody, resultCode: o.answer.resultCode, resultDesc: o.answer.resultDesc, outcome, at: now }));
  for (const s of outboxStatements(db.dialect, eventsFor(action, key, requestId, o.notify), o.notify.adminChatId)) await run(s.sql, s.values);
  return action;
}

/** A recovered payment: the admin's "callback missing — recovered by query" alert, and for a success the payer's receipt. */
export function eventsFor(action: ReconcileAction, checkoutRequestId: string, requestId: string, notify: NotifyTargets): OutboxEvent[] {
  const ids = { checkoutRequestId, requestId };
  const events: OutboxEvent[] = [];
  if (action.kind === "record") {
    if (notify.adminChatId !== null) events.push({ ...ids, kind: "admin", eventKey: `${RECOVERED_EVENT_PREFIX}${action.status}` });
    // The same event key as a callback's receipt: one receipt per payment, whichever recorded the success.
    if (notify.receipts && action.status === "Success") events.push({ ...ids, kind: "receipt", eventKey: "status:Success" });
  }
  if (action.kind === "conflict" && notify.adminChatId !== null) events.push({ ...ids, kind: "conflict", eventKey: `conflict:${action.conflictCount}` });
  return events;
}
