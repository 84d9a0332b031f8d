import { describe, expect, it } from "vitest";
import { runScenario, type NormalizedScenario } from "../../reference/index.js";
import { inertCompactHint } from "./inert_hint.js";

// Node 2 compacts, crashes and restarts inside P: restored from its saved snapshot (R-SAVED-3), which a
// compact that does nothing would have left empty.
const scenario = {
  cluster: { nodes: 3, leader: 1 },
  steps: [
    { op: "put", key: "a", value: "31" },
    { op: "compact", node: 2 },
    { op: "partition", nodes: [2] },
    { op: "crash", node: 2 },
    { op: "restart", node: 2 },
    { op: "snapshot", nodes: [2] },
  ],
} as NormalizedScenario;

describe("inertCompactHint", () => {
  it("fires when the snapshot is the scenario's without its compact steps, and not on the right snapshot", () => {
    const without = runScenario({ cluster: scenario.cluster, steps: scenario.steps.filter((s) => s.op !== "compact") as NormalizedScenario["steps"] });
    const right = runScenario(scenario).snapshots[0]!.hex;
    expect(without.snapshots[0]!.hex).not.toBe(right);
    expect(inertCompactHint(scenario, 0, without.snapshots[0]!.hex)).toMatch(/compact steps left out: does its compact step do nothing\? \(R-COMPACT-2\)$/);
    expect(inertCompactHint(scenario, 0, right)).toBeNull();
  });

  it("says nothing of a scenario without compact steps", () => {
    const plain = { cluster: scenario.cluster, steps: scenario.steps.filter((s) => s.op !== "compact") } as NormalizedScenario;
    expect(inertCompactHint(plain, 0, runScenario(plain).snapshots[0]!.hex)).toBeNull();
  });
});
