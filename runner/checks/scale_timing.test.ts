// The growth verdict over recorded figures: no clock is read, so nothing here depends on the machine.
import { describe, expect, it } from "vitest";
import { BAND, MAX_EXPONENT, QUADRATIC_EXPONENT, LOAD_ALLOWANCE, confirm, explain, firstLimits, fitExponent, judge, limits, pastBand, type Round } from "./scale_timing.js";

const LITERAL = "R-PROTO-12; most likely R-REJOIN-2 read literally";
const round = (clock: Round["clock"], ms: number[], hit: Round["hit"] = null, steps = [10_000, 30_000, 100_000]): Round => ({
  clock,
  sizes: ms.map((m, i) => ({ steps: steps[i]!, ms: m, runs: 3 })),
  hit,
});

// Figures measured on this 2-core machine under bursty load (bench/scale_under_load.ts), best of 2 or 3 runs.
const LINEAR_TS = round("cpu", [140, 470, 1380]);
const QUADRATIC = round("cpu", [250, 1670, 19_200]);

describe("fitExponent", () => {
  it("gives the exponent of an exact power law, over any number of sizes", () => {
    expect(fitExponent(round("cpu", [100, 300, 1000]).sizes)).toBeCloseTo(1, 6);
    expect(fitExponent(round("cpu", [10, 90, 1000]).sizes)).toBeCloseTo(2, 1);
    expect(fitExponent(round("cpu", [5, 50], null, [1000, 100_000]).sizes)).toBeCloseTo(0.5, 6);
  });

  it("fits through one outlier rather than being decided by it", () => {
    // A middle size measured in a burst (3x its due) moves the fit far less than a ratio of two sizes would.
    expect(fitExponent(round("wall", [300, 2700, 3000]).sizes)).toBeLessThan(MAX_EXPONENT);
  });
});

describe("judge", () => {
  it("passes a linear port and fails the quadratic one, naming its growth", () => {
    expect(judge(LINEAR_TS)).toMatchObject({ kind: "linear", fast: false });
    const q = judge(QUADRATIC);
    expect(q.kind).toBe("not-linear");
    expect(q.kind === "not-linear" && q.exponent).toBeGreaterThan(QUADRATIC_EXPONENT);
  });

  it("does not judge a largest size under the floor: a fast port's growth is noise", () => {
    expect(judge(round("cpu", [2, 8, 300]))).toMatchObject({ kind: "linear", fast: true });
    // The same figures in wall time under the wall floor; over it they would fail.
    expect(judge(round("wall", [100, 900, 1900]))).toMatchObject({ kind: "linear", fast: true });
    expect(judge(round("wall", [100, 900, 5000]))).toMatchObject({ kind: "not-linear" });
  });

  it("takes a run stopped past its CPU budget as proof, and one stopped by the clock alone as no verdict", () => {
    const proved = judge(round("cpu", [250, 1670], { steps: 100_000, wallMs: 40_000, cpuMs: 14_000 }));
    expect(proved).toMatchObject({ kind: "not-linear", atLeast: true });
    expect(proved.kind === "not-linear" && proved.exponent).toBeGreaterThan(QUADRATIC_EXPONENT);
    // The false positive: the large size hit a wall deadline on a busy machine, having used little CPU.
    expect(judge(round("cpu", [120, 350], { steps: 100_000, wallMs: 10_600, cpuMs: 900 }))).toEqual({ kind: "too-slow" });
    expect(judge(round("wall", [350, 1000], { steps: 100_000, wallMs: 10_600, cpuMs: null }))).toEqual({ kind: "too-slow" });
  });

  it("leaves sizes of a few clock ticks out of the fit", () => {
    // The Rust port at a load average of 35: 3 ticks at 10^4 would make the fit 1.28.
    const rust = judge(round("cpu", [30, 130, 570]));
    expect(rust.kind === "linear" && rust.exponent).toBeCloseTo(Math.log(570 / 130) / Math.log(100 / 30), 6);
  });

  it("has nothing to fit below two sizes", () => {
    expect(judge(round("cpu", [140]))).toEqual({ kind: "none" });
  });
});

describe("confirm: a verdict against the port only when it holds twice", () => {
  const notLinear = judge(QUADRATIC);
  const linear = judge(LINEAR_TS);
  it("clears a port that one of two rounds found linear", () => {
    expect(confirm(notLinear, linear)).toBe(linear);
    expect(confirm({ kind: "too-slow" }, linear)).toBe(linear);
  });
  it("fails it when both say so, with the milder of the two growths", () => {
    const milder = judge(round("cpu", [250, 1500, 15_000]));
    expect(confirm(notLinear, milder)).toBe(milder);
    expect(confirm(milder, notLinear)).toBe(milder);
  });
  it("gives no verdict when either round was stopped by the clock alone", () => {
    expect(confirm(notLinear, { kind: "too-slow" })).toEqual({ kind: "too-slow" });
    expect(confirm({ kind: "too-slow" }, notLinear)).toEqual({ kind: "too-slow" });
  });
  it("keeps a first linear verdict without a second round", () => {
    expect(confirm(linear, null)).toBe(linear);
  });
});

describe("limits", () => {
  it("gives a size quadratic growth in CPU time, and in wall time the band times the load allowance", () => {
    const l = limits({ steps: 30_000, wallMs: 1000, cpuMs: 500 }, 100_000, 10_000);
    expect(l.cpuMs).toBeCloseTo(500 * (100 / 30) ** 2, 6);
    expect(l.wallMs).toBeGreaterThan(1000 * (100 / 30) ** MAX_EXPONENT);
    // Never less than --timeout; no budget without CPU times.
    expect(limits({ steps: 10_000, wallMs: 10, cpuMs: null }, 30_000, 10_000)).toEqual({ wallMs: 10_000, cpuMs: null });
    // The smallest size: --timeout of CPU, and the load allowance on top in wall time.
    expect(firstLimits(10_000)).toEqual({ wallMs: 10_000 * LOAD_ALLOWANCE, cpuMs: 10_000 });
  });
});

describe("pastBand", () => {
  it("spares a linear port's cold first run and stops repeating a quadratic port's largest size", () => {
    // The TypeScript adapter after its warm-up: 640 ms of CPU at 3x10^4 against a best of 130 ms at 10^4.
    expect(pastBand({ steps: 10_000, wallMs: 1000, cpuMs: 130 }, 30_000, 640)).toBe(false);
    // The quadratic port: 19.2 s at 10^5 against 1.67 s at 3x10^4.
    expect(pastBand({ steps: 30_000, wallMs: 5000, cpuMs: 1670 }, 100_000, 19_200)).toBe(true);
  });
});

describe("explain", () => {
  it("shows the growth beside the band, and the figures with their clock", () => {
    const text = explain(judge(LINEAR_TS), [LINEAR_TS], LITERAL);
    expect(text).toContain(BAND);
    expect(text).toMatch(/^grows as steps\^0\.9\d \(\d\.\dx per 10x steps\); /);
    expect(text).toContain("CPU time of the adapter's processes, best of 3 runs: 0.14 s at 10000, 0.47 s at 30000, 1.38 s at 100000");
    expect(explain(judge(round("wall", [140, 470, 1380])), [round("wall", [140, 470, 1380])], LITERAL)).toContain("wall time (this system gives no per-process CPU time)");
  });

  it("names R-REJOIN-2 only for a growth near quadratic, and says it was measured twice", () => {
    const q = explain(judge(QUADRATIC), [QUADRATIC, QUADRATIC], LITERAL);
    expect(q).toMatch(/^not linear: grows as steps\^1\.8\d .*twice measured.*re-measured, since a first measurement gave steps\^1\.8\d \(R-PROTO-12; most likely R-REJOIN-2/);
    const mild = round("cpu", [200, 1000, 7000]);
    const m = explain(judge(mild), [mild, mild], LITERAL);
    expect(m).toMatch(/^not linear: grows as steps\^1\.5\d/);
    expect(m).not.toContain("R-REJOIN-2");
    expect(m).toMatch(/\(R-PROTO-12\)$/);
  });

  it("says a stopped run proved its growth by CPU, or that nothing is known", () => {
    const stopped = round("cpu", [250, 1670], { steps: 100_000, wallMs: 40_000, cpuMs: 14_000 });
    expect(explain(judge(stopped), [stopped, stopped], LITERAL)).toMatch(/^not linear: grows as at least steps\^1\.\d\d, by the CPU it had used when stopped.*stopped after 40\.0 s at 100000, having used 14\.0 s of CPU/);
    const slow = round("cpu", [120, 350], { steps: 100_000, wallMs: 10_600, cpuMs: 900 });
    expect(explain({ kind: "too-slow" }, [slow, slow], LITERAL)).toMatch(/^too slow to judge: .*give more time with --timeout \(R-PROTO-12\)$/);
  });
});
