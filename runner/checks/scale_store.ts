// The scale check's store past 2^16 live keys (corpus/many_keys.ts), beside its scenarios of growing length:
// those hold 2,000 keys, the corpus's largest store 1,500, and a port whose count, index or sort breaks past
// 65,536 keys passes both. Judged by its bytes only, never by its time: it is one size, not a growth.
import { MANY_KEYS, manyKeysScenario } from "../../corpus/many_keys.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import { scenarioJson } from "../adapter/protocol.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import type { ScenarioResult } from "../model.js";
import { cachedSnapshots } from "./scale_cache.js";
import { scaleFacts, type ScaleDiagnoser, type ScaleScenario } from "./scale_mismatch.js";

export const STORE_CASE = `scale/keys-${MANY_KEYS}`;

/**
 * The least time the case gets, whatever --timeout says: a hang guard, not a verdict on speed. The slowest
 * port here (TypeScript, the reference's own code) took 11 s at a load average of 20 on 2 cores, and a
 * machine four times busier must not fail it.
 */
const MIN_TIMEOUT_MS = 120_000;

/** The case as a port that lists `compact` (or does not) runs it, with the reference's snapshots. */
export async function storeCase(root: string, compact: boolean): Promise<ScaleScenario> {
  const scenario = manyKeysScenario(MANY_KEYS, compact);
  const snapshots = await cachedSnapshots(root, `keys${MANY_KEYS}${compact ? "-compact" : ""}`, scenario);
  return { name: STORE_CASE, scenario, scenarioText: scenarioJson(scenario), snapshots };
}

/** Runs the case on a session of its own; no result when the adapter cannot be started again (its fatal says why). */
export async function storeCheck(adapter: FleetAdapter, c: ScaleScenario, timeoutMs: number, isExpected: (name: string) => boolean, diagnoser: ScaleDiagnoser): Promise<ScenarioResult[]> {
  timeoutMs = Math.max(timeoutMs, MIN_TIMEOUT_MS);
  const session = await adapter.open(c.name, timeoutMs);
  if (session === null) return [];
  const outcome = await session.run({ name: c.name, scenario: c.scenario, scenarioText: c.scenarioText, trace: false, expected: c.snapshots });
  await session.close();
  adapter.record(outcome);
  const base = { name: c.name, file: "corpus/many_keys.ts", source: "corpus/many_keys.ts (SPEC.md R-PROTO-12)", expectedFailure: isExpected(c.name), diagnosis: null, stderrTail: null, restarted: false };
  if (outcome.kind === "result") {
    const cmp = compareSnapshots(c.snapshots, outcome.snapshots);
    const passed: ScenarioResult = { ...base, status: "passed", reason: null, durationMs: outcome.durationMs, vector: scaleFacts(c) };
    return [cmp.kind === "pass" ? passed : { ...passed, ...(await diagnoser.explain(c, `in a store of ${MANY_KEYS} live keys`, cmp, timeoutMs)) }];
  }
  if (outcome.kind === "aborted") return [{ ...base, status: "error", reason: "never answered", durationMs: 0 }];
  const reason = outcome.kind === "refused" ? `the adapter answered with an error (R-PROTO-8): ${outcome.message}` : `in a store of ${MANY_KEYS} live keys: ${outcome.reason}`;
  return [{ ...base, status: "error", reason, stderrTail: outcome.stderr || null, restarted: outcome.kind === "broken", durationMs: outcome.durationMs }];
}
