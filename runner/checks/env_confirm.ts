// Before the environment check calls a port environment-dependent (R-PROTO-11), the difference must
// reproduce: the vector is run again in a fresh process in the normal environment (which the main pass got
// right) and again in a fresh one under the same hostile environment. Only "right in the normal one, wrong
// the same way in the hostile one, twice" is environment-dependent; answers that differ from each other are
// nondeterministic, and a hostile run that only missed its deadline gets a second try with more time.
import type { Launch } from "../adapter/children.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import { secondTry, secondTryTimeoutMs } from "../adapter/second_try.js";
import type { RunOutcome, ScenarioToRun } from "../adapter/session.js";
import type { Vector } from "../corpus.js";
import { answerText, nondeterministic, sameAnswer, type Verdict } from "../diagnosis/answers.js";

export type Confirmation =
  /** Environment-dependent, reproduced (or not disproved: `detail` says which). */
  | { readonly verdict: "environment"; readonly detail: string }
  /** Wrong the same way in the normal environment: not the environment's doing. */
  | { readonly verdict: "not-environment"; readonly reason: string }
  | { readonly verdict: "nondeterministic"; readonly result: Verdict }
  /** Only timed out, and answered right on a second try with more time. */
  | { readonly verdict: "passed"; readonly note: string };

/** The detail of a difference that reproduced. */
export const REPRODUCED = "; the same again in a fresh process under it, and right in the normal environment";

const right = (o: RunOutcome, v: Vector) => o.kind === "result" && o.snapshots.length === v.golden.snapshots.length && o.snapshots.every((s, i) => s.hex === v.golden.snapshots[i]!.hex);

/**
 * `first` is the hostile process's answer to `v` in round `round` (1, or 2 for the second run in the same
 * process), which was not the golden's bytes. Costs at most two fresh processes.
 */
export async function confirmEnvFailure(adapter: FleetAdapter, v: Vector, first: RunOutcome, round: 1 | 2, hostile: Pick<Launch, "env" | "chunked">): Promise<Confirmation> {
  const req: ScenarioToRun = { name: v.name, scenario: v.golden.scenario, scenarioText: v.scenarioText, trace: false, expected: v.golden.snapshots };
  const waited = `${secondTryTimeoutMs(adapter) / 1000} s`;
  const before = `the environment check's second try of ${v.name}`;
  const HOSTILE = "under the hostile environment";
  if (first.kind === "aborted" || (first.kind === "broken" && first.timedOut)) {
    const again = await secondTry(adapter, req, { before, variant: hostile, rounds: round });
    if (again !== null && right(again, v)) return { verdict: "passed", note: `${v.name} answered only on a second try, in a fresh process with ${waited}: ${answerText(first, undefined)}` };
    return { verdict: "environment", detail: again === null ? "" : `; a second try in a fresh process with ${waited}: ${answerText(again, v.golden.snapshots)}` };
  }
  const normal = await secondTry(adapter, req, { before, rounds: round });
  if (normal === null) return { verdict: "environment", detail: "" };
  if (!right(normal, v)) {
    const same = sameAnswer(first, normal);
    if (same === null) return { verdict: "environment", detail: `; not confirmed: a re-run in the normal environment got no answer within ${waited}` };
    if (same === false) return { verdict: "nondeterministic", result: nondeterministic(v.name, v.golden.snapshots, first, normal, [HOSTILE, "in a fresh process, in the normal environment"]) };
    if (round === 2) return { verdict: "not-environment", reason: `${v.name}'s second run in one process differs from its first in the normal environment too: the port keeps state between requests (R-PROTO-11)` };
    // Wrong the same way in a fresh process in the normal environment, which the main pass got right.
    const mainPass: RunOutcome = { kind: "result", snapshots: v.golden.snapshots, durationMs: 0, stderr: "" };
    return { verdict: "nondeterministic", result: nondeterministic(v.name, v.golden.snapshots, mainPass, normal, ["the main pass", "in a fresh process, in the same (normal) environment"]) };
  }
  const again = await secondTry(adapter, req, { before, variant: hostile, rounds: round });
  if (again === null) return { verdict: "environment", detail: "" };
  const same = right(again, v) ? false : sameAnswer(first, again);
  if (same === false) return { verdict: "nondeterministic", result: nondeterministic(v.name, v.golden.snapshots, first, again, [HOSTILE, "again, in a fresh process under it"]) };
  if (same === null) return { verdict: "environment", detail: `; not confirmed: a second try under it got no answer within ${waited}` };
  return { verdict: "environment", detail: REPRODUCED };
}
