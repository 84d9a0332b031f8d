// The invariant search (rsm fuzz --mode invariants): the reference keeps Raft's Figure 3 properties over a few
// hundred fuzzed election scenarios, and the same search over a variant whose leader keeps leading after
// adopting a higher term finds Election Safety broken and shrinks the scenario to the few steps that break it.
import { describe, expect, it } from "vitest";
import { loadMutant } from "../mutation/mutants.js";
import { VARIANTS } from "../mutation/variants.js";
import { searchInvariants } from "./fuzz_invariants.js";

const ROOT = new URL("../..", import.meta.url).pathname;

describe("fuzz --mode invariants", () => {
  it("finds no safety violation in the reference over 400 scenarios with elections", () => {
    const r = searchInvariants({ seed: 1, runs: 400, timeLimitMs: null, maxSteps: 200 });
    expect(r.violation).toBeNull();
    expect(r.runs).toBe(400);
  });

  it("finds two leaders of one term and shrinks the scenario", async () => {
    const variant = VARIANTS.find((v) => v.id === "elect-voter-keeps-leading")!;
    const mutant = await loadMutant(ROOT, variant, { checked: true });
    // Seed 1 finds it after 30 scenarios; the budget is a bound, not a measurement.
    const r = searchInvariants({ seed: 1, runs: 5000, timeLimitMs: null, maxSteps: 200 }, () => {}, mutant.runScenario);
    expect(r.violation).not.toBeNull();
    expect(r.violation!.message).toMatch(/Election Safety/);
    // Two elections and a snapshot at least; shrinking gets close to that (4 steps with seed 1).
    expect(r.violation!.scenario.steps.length).toBeLessThanOrEqual(8);
  });
});
