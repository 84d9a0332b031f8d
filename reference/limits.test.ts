// SPEC.md 5.1's size limits: the sizes are measured exactly, without building what they measure, and a
// scenario just over each limit is rejected naming the rule and where (the fixtures of R-SIZE-3 and -4 are in
// vectors/invalid; those of R-SIZE-1 and -2 are 16 MiB and more, so they are made here).
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "./normalize.js";
import { LIMITS, runSizes } from "./limits.js";
import { runScenario } from "./run.js";
import { utf8Length } from "./bytes.js";
import type { GoldenVector } from "./types/golden.gen.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Every scenario golden of the corpus (decode goldens have no scenario). */
function goldens(): GoldenVector[] {
  return readdirSync(path.join(ROOT, "vectors", "golden"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => JSON.parse(readFileSync(path.join(e.parentPath, e.name), "utf8")) as GoldenVector)
    .filter((g) => "scenario" in g);
}

const rejected = (scenario: unknown) => {
  const r = loadScenario(JSON.stringify(scenario));
  return r.ok ? [] : r.problems.map((p) => `${p.path} ${p.rule}: ${p.message}`);
};

describe("runSizes measures what a port writes, exactly, without encoding a snapshot", () => {
  it("gives the length of the result's snapshots and of the trace as JSON.stringify writes them, for every golden of the corpus", () => {
    const all = goldens();
    expect(all.length).toBeGreaterThan(150);
    for (const g of all) {
      const run = runScenario(g.scenario, { trace: true });
      const sizes = runSizes(g.scenario);
      expect(sizes.resultChars, g.name).toBe(JSON.stringify(run.snapshots).length);
      expect(sizes.traceChars, g.name).toBe(JSON.stringify(run.trace).length);
      const largest = Math.max(...run.trace!.map((t) => t.states.reduce((n, s) => n + (s === null ? 0 : s.length / 2), 0)));
      expect(sizes.largestState.bytes, g.name).toBe(largest);
    }
  });

  it("stops at a step: the sizes of steps 0..last only", () => {
    const g = goldens().find((x) => x.scenario.steps.length > 100)!;
    const prefix = { cluster: g.scenario.cluster, steps: g.scenario.steps.slice(0, 51) } as GoldenVector["scenario"];
    expect(runSizes(g.scenario, { last: 50 }).traceChars).toBe(JSON.stringify(runScenario(prefix, { trace: true }).trace).length);
  });
});

describe("the limits reject a scenario just past them, naming the rule and where", () => {
  const put = (value: unknown, key = "k") => ({ op: "put", key, value });
  const snapshot = { op: "snapshot", nodes: [1] };

  it("R-SIZE-1: more than 1,000,000 steps", () => {
    const steps = Array.from({ length: LIMITS.steps }, () => ({ op: "heal" }));
    steps.push(snapshot as never);
    expect(rejected({ description: "d", steps })).toEqual(["steps R-SIZE-1: 1,000,001 steps; expected at most 1,000,000"]);
    steps.shift();
    expect(rejected({ description: "d", steps })).toEqual([]);
  });

  it("R-SIZE-1: a normalized scenario past 64 MiB, counted in UTF-8 and with utf8 values written as hex", () => {
    // 32 MiB of hex for a value written as 16 MiB of UTF-8; a key of 16 MiB of UTF-8 (8 Mi characters); 16 MiB
    // of hex: 64 MiB and the JSON around them. Counted in characters it would be 56 Mi, and pass. The leader
    // is cut off, so nothing commits and no snapshot holds them (R-SIZE-3 would refuse that).
    const half = LIMITS.valueBytes / 2;
    const steps = [{ op: "partition", nodes: [2, 3] }, put({ utf8: "é".repeat(half) }), put({ hex: "ab".repeat(half) }, "é".repeat(half)), snapshot];
    expect(rejected({ description: "d", steps })).toEqual(["steps[2] R-SIZE-1: the normalized scenario's JSON passes 64 MiB (67,108,864 bytes) at this step; expected at most that in all"]);
  });

  it("R-SIZE-2: a value or a key past 16 MiB, before anything is normalized", () => {
    const over = LIMITS.valueBytes + 1;
    expect(rejected({ description: "d", steps: [put({ hex: "ab".repeat(over) }), snapshot] })).toEqual([
      "steps[0].value.hex R-SIZE-2: a value of 16,777,217 bytes; expected at most 16 MiB (16,777,216 bytes)",
    ]);
    // Two-byte characters: 8 Mi of them are exactly the limit, one more passes it. The leader is cut off, so the
    // value is never committed, and no snapshot holds it (R-SIZE-3 would refuse three copies).
    const cutOff = { op: "partition", nodes: [2, 3] };
    expect(rejected({ description: "d", steps: [cutOff, put({ utf8: "é".repeat(LIMITS.valueBytes / 2) }), snapshot] })).toEqual([]);
    expect(rejected({ description: "d", steps: [put({ utf8: "é".repeat(LIMITS.valueBytes / 2 + 1) }), snapshot] })[0]).toMatch(/^steps\[0\]\.value\.utf8 R-SIZE-2: a value of 16,777,218 bytes/);
    expect(rejected({ description: "d", steps: [{ op: "cas", key: "x".repeat(over), expected: null, value: { hex: "" } }, snapshot] })).toEqual([
      "steps[0].key R-SIZE-2: a key of 16,777,217 bytes; expected at most 16 MiB (16,777,216 bytes)",
    ]);
  });

  it("R-SIZE-3 and R-SIZE-4 at exactly the limit are accepted; one byte more is not", () => {
    // One node holding one pair: 36 header and CRC bytes, 8 of lengths, the key "k", the value.
    const atState = LIMITS.stateBytes - 36 - 8 - 1;
    expect(rejected({ description: "d", cluster: { nodes: 1 }, steps: [put({ hex: "00".repeat(atState) }), snapshot] })).toEqual([]);
    expect(rejected({ description: "d", cluster: { nodes: 1 }, steps: [put({ hex: "00".repeat(atState + 1) }), snapshot] })[0]).toMatch(/^steps\[0\] R-SIZE-3: after this step the up nodes' snapshots total 16,777,217 bytes/);
    // Two snapshots: "[" + two entries of 26 + 1 + 1 + hex characters, a comma, "]" = 64 Mi exactly.
    const hexEach = (LIMITS.resultChars - 2 - 1) / 2 - 26 - 2;
    const atResult = Math.floor(hexEach / 2) - 45;
    const steps = (value: number) => [put({ hex: "00".repeat(value) }), { op: "snapshot", nodes: [1] }, { op: "snapshot", nodes: [1] }];
    const chars = (value: number) => runSizes({ cluster: { nodes: 1, leader: 1 }, steps: steps(value).map((s) => ("value" in s ? { ...s, value: (s.value as { hex: string }).hex } : s)) as never }).resultChars;
    expect(chars(atResult)).toBeLessThanOrEqual(LIMITS.resultChars);
    expect(chars(atResult + 1)).toBeGreaterThan(LIMITS.resultChars);
    expect(rejected({ description: "d", cluster: { nodes: 1 }, steps: steps(atResult) })).toEqual([]);
    expect(rejected({ description: "d", cluster: { nodes: 1 }, steps: steps(atResult + 1) })[0]).toMatch(/^steps\[2\] R-SIZE-4: /);
  });

  it("utf8Length counts what TextEncoder writes, pairs and lone surrogates included", () => {
    for (const s of ["", "a", "é", "€", "\u{1f600}", "a\ud800b", "\udc00", "x\u{10ffff}é"]) expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
  });
});
