// The diagnosis and its rule mapping, on port bugs simulated by editing the reference's own snapshots.
import { describe, expect, it } from "vitest";
import { bytesToHex, decodeSnapshot, encodeSnapshot, hexToBytes, runScenario, utf8Bytes, type GoldenVector, type NormalizedScenario } from "../reference/index.js";
import { diagnose, firstDifference, lineDiff } from "./diagnose.js";

function golden(scenario: NormalizedScenario): GoldenVector {
  const { snapshots } = runScenario(scenario);
  return { format: 1, name: "t/x", source: "vectors/scenarios/t/x.json", source_sha256: "0".repeat(64), description: "d", tags: [], features: [], scenario, snapshots: snapshots as GoldenVector["snapshots"] };
}

/** A snapshot re-encoded with some fields changed, as a buggy port would write it. */
function edit(hex: string, change: (s: ReturnType<typeof decodeSnapshot>) => Parameters<typeof encodeSnapshot>[0]): string {
  return bytesToHex(encodeSnapshot(change(decodeSnapshot(hexToBytes(hex)))));
}

describe("diagnose", () => {
  it("an incr value wrong: field value bytes, incr rules first", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "incr", key: "n", delta: "18446744073709551615" }, { op: "incr", key: "n", delta: "2" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const actual = edit(expected.hex, (s) => ({ ...s, pairs: [{ keyBytes: utf8Bytes("n"), value: Uint8Array.of(255, 255, 255, 255, 255, 255, 255, 255) }] }));
    const d = diagnose(g, 0, expected, actual, "no trace in this test");
    expect(d.field).toBe("value bytes of pair 0");
    expect(d.rules.slice(0, 3)).toEqual(["R-INCR-1", "R-INCR-2", "R-INCR-3"]);
    expect(d.traceNote).toBe("no trace in this test");
    expect(d.crcSelfConsistent).toBe(true);
  });

  it("last_included_index wrong with an even cluster: R-WIRE-3 and the commit rules, R-CLUSTER-5 among them", () => {
    const g = golden({ cluster: { nodes: 4, leader: 1 }, steps: [{ op: "partition", nodes: [3, 4] }, { op: "put", key: "a", value: "01" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const actual = edit(expected.hex, (s) => ({ ...s, lastIncludedIndex: 1n, lastIncludedTerm: 1n, pairs: [{ keyBytes: utf8Bytes("a"), value: Uint8Array.of(1) }] }));
    const trace = runScenario(g.scenario, { trace: true }).trace!;
    const portTrace = trace.map((t, i) => (i >= 1 ? { ...t, states: [actual, ...t.states.slice(1)] } : t));
    const d = diagnose(g, 0, expected, actual, portTrace);
    expect(d.divergence).toEqual({ step: 1, op: { op: "put", key: "a", value: "01" }, nodes: [1] });
    expect(d.field).toBe("last_included_index");
    expect(d.rules).toEqual(expect.arrayContaining(["R-WIRE-3", "R-APPLY-1", "R-COMMIT-1", "R-CLUSTER-5"]));
  });

  it("a restarted node left empty: R-REJOIN-2 first", () => {
    const g = golden({ cluster: { nodes: 3, leader: 1 }, steps: [{ op: "put", key: "a", value: "01" }, { op: "crash", node: 2 }, { op: "restart", node: 2 }, { op: "snapshot", nodes: [2] }] });
    const expected = g.snapshots[0];
    const actual = edit(expected.hex, (s) => ({ ...s, lastIncludedIndex: 0n, lastIncludedTerm: 0n, pairs: [] }));
    const trace = runScenario(g.scenario, { trace: true }).trace!;
    const portTrace = trace.map((t, i) => (i >= 2 ? { ...t, states: [t.states[0]!, actual, t.states[2]!] } : t));
    const d = diagnose(g, 0, expected, actual, portTrace);
    expect(d.divergence).toMatchObject({ step: 2, op: { op: "restart", node: 2 }, nodes: [2] });
    expect(d.rules.slice(0, 3)).toEqual(["R-REJOIN-2", "R-RESTART-2", "R-WIRE-3"]);
  });

  it("bytes that do not decode, and a trace that agrees with the reference", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "a", value: "01" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const d = diagnose(g, 0, expected, expected.hex.slice(0, 60), runScenario(g.scenario, { trace: true }).trace!);
    expect(d.crcSelfConsistent).toBeNull();
    expect(d.decodeError).toMatch(/^snapshot ends at byte 30 inside pair count/);
    expect(d.offset).toBe(30);
    expect(d.traceNote).toMatch(/trace matches the reference at every step/);
  });

  it("a difference deep inside a long value, which the decoded lines cut, is shown as raw bytes", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "v", value: "00".repeat(1000) }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const value = new Uint8Array(1000);
    value[500] = 1;
    const actual = edit(expected.hex, (s) => ({ ...s, pairs: [{ keyBytes: utf8Bytes("v"), value }] }));
    const d = diagnose(g, 0, expected, actual, "no trace");
    expect(d.offset).toBe(41 + 500);
    expect(d.diff.slice(-2)).toEqual([`- bytes 533..564: ${"00".repeat(32)}`, `+ bytes 533..564: ${"00".repeat(8)}01${"00".repeat(23)}`]);
  });
});

describe("helpers", () => {
  it("firstDifference treats a prefix as differing at its end", () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(2);
    expect(firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(1);
  });

  it("lineDiff keeps changes with two lines of context", () => {
    const a = ["h1", "h2", "h3", "h4", "h5", "p0", "crc"];
    const b = ["h1", "h2", "h3", "h4", "h5", "p1", "crc2"];
    expect(lineDiff(a, b)).toEqual(["  ...", "  h4", "  h5", "- p0", "- crc", "+ p1", "+ crc2"]);
  });
});

describe("diagnose on a snapshot of 120,000 pairs", () => {
  it("finds the one differing value, and the human report prints it, without overflowing the stack", async () => {
    const { diagnosisLines } = await import("./reporters/human.js");
    const pairs = Array.from({ length: 120_000 }, (_, i) => ({ keyBytes: utf8Bytes(`k${String(i).padStart(6, "0")}`), value: Uint8Array.of(i & 255) }));
    const fields = { currentTerm: 1n, lastIncludedIndex: 120_000n, lastIncludedTerm: 1n, pairs };
    const expectedHex = bytesToHex(encodeSnapshot(fields));
    const actualHex = bytesToHex(encodeSnapshot({ ...fields, pairs: pairs.map((p, i) => (i === 60_000 ? { ...p, value: Uint8Array.of(7) } : p)) }));
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "k", value: "01" }, { op: "snapshot", nodes: [1] }] });
    const d = diagnose(g, 0, { step: 1, node: 1, hex: expectedHex }, actualHex, "no trace in this test");
    expect(d.field).toBe("value bytes of pair 60000");
    expect(d.diff).toEqual([
      "  ...",
      '  [59998] "k059998" = 5e "^"',
      '  [59999] "k059999" = 5f "_"',
      '- [60000] "k060000" = 60 "`"',
      '+ [60000] "k060000" = 07 "."',
      '  [60001] "k060001" = 61 "a"',
      '  [60002] "k060002" = 62 "b"',
      "  ...",
      '  [119998] "k119998" = be "."',
      '  [119999] "k119999" = bf "."',
      expect.stringMatching(/^- crc /),
      expect.stringMatching(/^\+ crc /),
    ]);
    const plain = { red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s, yellow: (s: string) => s };
    expect(diagnosisLines(d, plain as never)).toContain('+ [60000] "k060000" = 07 "."');
  });

  it("lineDiff trims what the lists share and caps a middle too long to diff", () => {
    const a = Array.from({ length: 200_000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 150_000 }, (_, i) => `b${i}`);
    const d = lineDiff(["h", ...a, "t"], ["h", ...b, "t"]);
    expect(d.length).toBeLessThan(100);
    expect(d).toContain("- a0");
    expect(d).toContain("+ b0");
    expect(d.some((l) => /199\d+ more/.test(l))).toBe(true);
    expect(lineDiff(["x", "y"], ["x", "y"])).toEqual(["  ..."]);
  });
});
