// A feature listed in the hello and not implemented. Compaction changes no emitted byte where it happens
// (R-COMPACT-2), so a port whose compact step does nothing fails only at a later restart, where its diagnosis
// names the restart. What gives it away is that its snapshot is exactly the one the same scenario gives with
// its compact steps left out; the run's findings (run_findings.ts) then see it on every failure.
import { runScenario, type NormalizedScenario } from "../../reference/index.js";

export const INERT_COMPACT_RULE = "R-COMPACT-2";

/** The hint, when snapshot `index` of the scenario is `actualHex` once its compact steps are left out; else null. */
export function inertCompactHint(scenario: NormalizedScenario, index: number, actualHex: string): string | null {
  if (!scenario.steps.some((s) => s.op === "compact")) return null;
  const steps = scenario.steps.filter((s) => s.op !== "compact") as NormalizedScenario["steps"];
  // R-COMPACT-2: nothing but saved and the discarded prefix changes, so the rest of the scenario runs as it was.
  const without = runScenario({ cluster: scenario.cluster, steps }).snapshots[index];
  if (without === undefined || without.hex !== actualHex) return null;
  return `the port's snapshot is exactly the one the scenario gives with its compact steps left out: does its compact step do nothing? (${INERT_COMPACT_RULE})`;
}
