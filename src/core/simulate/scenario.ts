// What a scenario is, and the building block most of them share: one fresh callback, one checked answer.
import { checkAck } from "./checks.ts";
import { freshCallback } from "./fresh-callbacks.ts";
import { postCallback, type Target } from "./http.ts";
import type { IdSource } from "./ids.ts";

export interface ScenarioContext {
  target: Target;
  ids: IdSource;
  burst: number; // copies sent at once by duplicate-burst
}

export interface ScenarioOutcome {
  passed: boolean;
  detail: string; // what was seen (passed) or what was wrong and why (failed)
  ids: string[]; // the CheckoutRequestIDs sent, to find them in the database
}

export interface Scenario {
  name: string;
  description: string;
  smoke: boolean; // part of the default set run without --scenario
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

export function passed(detail: string, ids: string[] = []): ScenarioOutcome {
  return { passed: true, detail, ids };
}

export function failed(detail: string, ids: string[] = []): ScenarioOutcome {
  return { passed: false, detail, ids };
}

/** A never-seen payment: a correct server stores it and answers 200, ResultCode 0, our ID, outcome "new". */
export function oneCallback(name: string, fixture: string, description: string, smoke = false): Scenario {
  return {
    name, description, smoke,
    async run({ target, ids }) {
      const sim = ids.next();
      const reply = await postCallback(target, freshCallback(fixture, sim));
      const wrong = checkAck(reply, sim.checkoutRequestId, "new");
      return wrong === null ? passed(`stored and acknowledged ${sim.checkoutRequestId}`, [sim.checkoutRequestId]) : failed(wrong, [sim.checkoutRequestId]);
    },
  };
}
