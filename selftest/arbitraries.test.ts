// The fuzzer's scenarios: --max-steps and --mode take effect (lengths really reach the maximum, clusters
// really reach 255 nodes), and a long scenario still shrinks to the few steps that matter.
import { decodeInputArbitrary } from "./decode_arbitraries.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeVerdict, requiredFeatures, validator, type NormalizedScenario } from "../reference/index.js";
import { DEFAULT_MAX_STEPS, FUZZ_MODES, fuzzArbitrary, scenarioArbitrary } from "./arbitraries.js";

const lengths = (xs: NormalizedScenario[]) => xs.map((s) => s.steps.length);
const share = (xs: number[], pred: (x: number) => boolean) => xs.filter(pred).length / xs.length;

const SCENARIO_MODES = FUZZ_MODES.filter((m) => m !== "decode");

describe("scenario arbitraries", () => {
  it("spread lengths over the whole range up to maxSteps, not fast-check's default of about 10", () => {
    for (const maxSteps of [50, 1000]) {
      const ls = lengths(fc.sample(scenarioArbitrary({ maxSteps }), { seed: 1, numRuns: 1000 }));
      expect(Math.max(...ls)).toBeLessThanOrEqual(maxSteps);
      // A crash or restart with no follower to pick is left out, so the very longest can fall a few short.
      expect(Math.max(...ls)).toBeGreaterThanOrEqual(Math.floor(maxSteps * 0.9));
      expect(share(ls, (l) => l > maxSteps / 2)).toBeGreaterThan(0.3);
      expect(share(ls, (l) => l <= 10)).toBeGreaterThan(0.05);
    }
    expect(Math.max(...lengths(fc.sample(scenarioArbitrary({ maxSteps: 1 }), { seed: 1, numRuns: 50 })))).toBe(1);
  });

  it("in every mode, keep to --max-steps, reach it, and make clusters as wide as the mode says", () => {
    for (const mode of SCENARIO_MODES) {
      const max = DEFAULT_MAX_STEPS[mode];
      const xs = fc.sample(fuzzArbitrary(mode, max), { seed: 2, numRuns: mode === "long" ? 300 : 2000 });
      const ls = lengths(xs);
      const nodes = xs.map((s) => s.cluster.nodes);
      expect(Math.max(...ls), mode).toBeLessThanOrEqual(max);
      expect(Math.max(...ls), mode).toBeGreaterThanOrEqual(Math.floor(max * 0.9));
      expect(Math.max(...nodes), mode).toBe(mode === "normal" || mode === "long" ? 7 : 255);
    }
    // mixed with a small --max-steps: its long scenarios keep to it too.
    expect(Math.max(...lengths(fc.sample(fuzzArbitrary("mixed", 20), { seed: 3, numRuns: 500 })))).toBe(20);
  });

  it("generate valid scenarios in every mode, wide partitions that cost the leader its majority included", () => {
    const validate = validator("normalized.schema.json");
    let lostMajority = false;
    for (const mode of SCENARIO_MODES) {
      for (const s of fc.sample(fuzzArbitrary(mode, 200), { seed: 4, numRuns: 100 })) {
        expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
        for (const step of s.steps) if (step.op === "partition" && s.cluster.nodes > 100 && step.nodes.length >= s.cluster.nodes / 2) lostMajority = true;
      }
    }
    expect(lostMajority).toBe(true);
  });

  it("shrink a long failing scenario to the few steps that fail it", () => {
    // A stand-in for a port bug: cas with expected null on a key that holds the empty value.
    const fails = (s: NormalizedScenario) => {
      const empty = new Set<string>();
      for (const step of s.steps) {
        if (step.op === "put") (step.value === "" ? empty.add(step.key) : empty.delete(step.key));
        if (step.op === "cas" && step.expected === null && empty.has(step.key)) return true;
      }
      return false;
    };
    const details = fc.check(fc.property(fuzzArbitrary("long", 2000), (s) => !fails(s)), { seed: 5, numRuns: 1000 });
    expect(details.failed).toBe(true);
    expect(details.counterexample![0].steps.length).toBeLessThanOrEqual(3);
  });

  it("put keys holding U+2028, U+2029 and U+0085, which JSON leaves raw, in every mode", () => {
    for (const mode of SCENARIO_MODES) {
      const keys = fc.sample(fuzzArbitrary(mode, 50), { seed: 6, numRuns: 300 }).flatMap((s) => s.steps.flatMap((step) => ("key" in step ? [step.key] : [])));
      for (const c of ["\u2028", "\u2029", "\u0085"]) expect(keys.some((k) => k.includes(c)), `${mode}: ${JSON.stringify(c)}`).toBe(true);
    }
  });
});

describe("scenarios with elections (fuzz --mode elect and invariants)", () => {
  it("need elect, and elect, route, isolate and crash the leader, compact and restart", () => {
    const xs = fc.sample(fuzzArbitrary("elect", 200), { seed: 8, numRuns: 500 });
    expect(xs.every((s) => requiredFeatures(s).includes("elect"))).toBe(true);
    const steps = xs.flatMap((s) => s.steps.map((step) => ({ s, step })));
    const seen = (pred: (x: (typeof steps)[number]) => boolean) => steps.filter(pred).length;
    expect(seen(({ step }) => step.op === "elect")).toBeGreaterThan(xs.length);
    expect(seen(({ step }) => "via" in step && step.via !== undefined)).toBeGreaterThan(xs.length / 2);
    expect(seen(({ s, step }) => step.op === "crash" && step.node === s.cluster.leader)).toBeGreaterThan(10);
    expect(seen(({ s, step }) => step.op === "partition" && step.nodes.includes(s.cluster.leader))).toBeGreaterThan(10);
    expect(seen(({ step }) => step.op === "compact")).toBeGreaterThan(10);
    expect(seen(({ step }) => step.op === "restart")).toBeGreaterThan(10);
  });

  it("leave mixed without elections, so every port keeps to it", () => {
    expect(fc.sample(fuzzArbitrary("mixed", 200), { seed: 9, numRuns: 300 }).some((s) => requiredFeatures(s).includes("elect"))).toBe(false);
  });
});

describe("decode inputs (fuzz --mode decode)", () => {
  it("reach every verdict: accepted and each of R-DECODE-1..8", () => {
    const verdicts = new Set(fc.sample(decodeInputArbitrary, { seed: 5, numRuns: 4000 }).map((b) => { const v = decodeVerdict(b); return v.ok ? "accepted" : v.rule; }));
    expect([...verdicts].sort()).toEqual(["R-DECODE-1", "R-DECODE-2", "R-DECODE-3", "R-DECODE-4", "R-DECODE-5", "R-DECODE-6", "R-DECODE-7", "R-DECODE-8", "accepted"]);
  });
});
