import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioArbitrary } from "../selftest/arbitraries.js";
import { validator } from "./schemas.js";
import { runScenario } from "./run.js";
import type { NormalizedScenario, Step } from "./types/normalized.gen.js";

function withHealAndSnapshotAll(s: NormalizedScenario): NormalizedScenario {
  const all = Array.from({ length: s.cluster.nodes }, (_, i) => i + 1) as [number, ...number[]];
  return { ...s, steps: [...s.steps, { op: "heal" }, { op: "snapshot", nodes: all }] as [Step, ...Step[]] };
}

describe("cluster properties", () => {
  it("generated scenarios are valid normalized scenarios", () => {
    const validate = validator("normalized.schema.json");
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
      }),
    );
  });

  it("after heal every node's snapshot is identical (R-HEAL-1, R-REJOIN-2)", () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        const { snapshots } = runScenario(withHealAndSnapshotAll(s));
        const last = snapshots.slice(-s.cluster.nodes);
        expect(new Set(last.map((x) => x.hex)).size).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it("the trace's states match the emitted snapshots and null exactly the down nodes", () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        const { snapshots, trace } = runScenario(s, { trace: true });
        expect(trace).toHaveLength(s.steps.length);
        for (const snap of snapshots) expect(trace![snap.step]!.states[snap.node - 1]).toBe(snap.hex);
      }),
      { numRuns: 200 },
    );
  });

  it("without trace, the result has no trace key (R-PROTO-7)", () => {
    const r = runScenario({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "snapshot", nodes: [1] }] });
    expect(Object.keys(r)).toEqual(["snapshots"]);
  });
});
