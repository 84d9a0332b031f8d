// One scenario through every adapter of a fuzz run, judged against the reference. Each scenario is judged on
// its own: fast-check shrinks by running scenario after scenario, and a failure that an earlier one caused
// (a port that split a request at U+2028 answered each piece, and the pieces' replies were read as the next
// scenario's) made it shrink to an unrelated scenario that failed only after that one. So every scenario is
// followed by a one-step request whose answer must be right: a line the adapter wrote after its reply (a
// second reply, a stray print) then fails the scenario that made it write it, not the next, and an adapter
// that answers it wrong is started afresh for the next scenario, as one that broke the protocol already is.
import { requiredFeatures, runScenario, type GoldenVector, type NormalizedScenario } from "../../reference/index.js";
import { compareSnapshots, type Comparison } from "../../runner/diagnosis/compare.js";
import type { FleetAdapter } from "../../runner/adapter/fleet.js";
import { scenarioJson } from "../../runner/adapter/protocol.js";
import type { RunOutcome } from "../../runner/adapter/session.js";

/** An adapter's answer to one scenario; null when it is given up. */
export type Answer = RunOutcome | null;

/** How one adapter failed one scenario, with what was sent and seen. */
export interface Divergence {
  adapter: FleetAdapter;
  scenario: NormalizedScenario;
  answer: Answer;
  /** The snapshots compared, when the answer was a result that differs. */
  mismatch: Extract<Comparison, { kind: "mismatch" }> | null;
  /** Set when the scenario did not get a right result: what went wrong, with the tail of the adapter's stderr. */
  error: string | null;
}

/** The request that follows every passing scenario: the smallest valid one (R-SCEN-2). */
const NEXT: NormalizedScenario = { cluster: { nodes: 1, leader: 1 }, steps: [{ op: "snapshot", nodes: [1] }] };
const NEXT_REQUEST = { name: "fuzz-next", scenario: NEXT, scenarioText: scenarioJson(NEXT), trace: false };
const NEXT_EXPECTED = runScenario(NEXT).snapshots as GoldenVector["snapshots"];

export function errorOf(answer: Answer): string | null {
  if (answer === null) return "the adapter was given up (it could not be started again, or timed out repeatedly)";
  if (answer.kind === "result" || answer.kind === "aborted") return null;
  const what = answer.kind === "refused" ? `answered with an error (R-PROTO-8): ${answer.message}` : answer.reason;
  return answer.stderr ? `${what}; stderr: ${answer.stderr.trim().split("\n").slice(-3).join(" | ")}` : what;
}

async function judgeOne(a: FleetAdapter, scenario: NormalizedScenario, text: string, expected: GoldenVector["snapshots"]): Promise<Divergence | null> {
  const answer = await a.run({ name: "fuzz", scenario, scenarioText: text, trace: false });
  const error = errorOf(answer);
  let mismatch: Divergence["mismatch"] = null;
  if (error === null && answer !== null && answer.kind === "result") {
    const c = compareSnapshots(expected, answer.snapshots);
    if (c.kind === "mismatch") mismatch = c;
  }
  // A broken adapter was killed already (and a given-up one is gone); any other is asked once more, and kept
  // for the next scenario only when it answers that right: a wrong byte leaves it usable, and restarting a
  // port for every candidate would make shrinking a divergence many times slower.
  const after = answer === null || answer.kind === "broken" ? null : await a.run(NEXT_REQUEST);
  const afterError = after === null ? null : (errorOf(after) ?? (after.kind === "result" && compareSnapshots(NEXT_EXPECTED, after.snapshots).kind === "mismatch" ? "a wrong snapshot" : null));
  if (afterError !== null) a.discard();
  if (error !== null || mismatch !== null) return { adapter: a, scenario, answer, mismatch, error };
  if (afterError === null) return null;
  return { adapter: a, scenario, answer, mismatch, error: `its answer was right, but the next request (a one-step scenario) then got: ${afterError}` };
}

/** The first adapter, in fleet order, that fails `scenario`; every adapter works at the same time. */
export async function judge(fleet: readonly FleetAdapter[], scenario: NormalizedScenario): Promise<Divergence | null> {
  const needs = requiredFeatures(scenario);
  const expected = runScenario(scenario).snapshots as GoldenVector["snapshots"];
  const text = scenarioJson(scenario);
  const all = await Promise.all(fleet.map((a) => (needs.some((f) => !a.features.has(f)) ? null : judgeOne(a, scenario, text, expected))));
  return all.find((d) => d !== null) ?? null;
}
