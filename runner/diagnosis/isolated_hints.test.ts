// The isolated-node hints on real port bugs: variants of the reference (selftest/mutation/variants.ts) run over
// the corpus's goldens in process, each failure diagnosed from the variant's own trace as the runner does it;
// and on snapshots edited by hand into a state no bug explains whole.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, decodeVerdict, encodeSnapshot, hexToBytes, runScenario, utf8Bytes, type GoldenVector, type NormalizedScenario } from "../../reference/index.js";
import { loadMutant, type ReferenceModule } from "../../selftest/mutation/mutants.js";
import { VARIANTS } from "../../selftest/mutation/variants.js";
import { compareSnapshots } from "./compare.js";
import { diagnose, type Diagnosis } from "./diagnose.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const TOPICS = ["crash", "restart", "partition", "rejoin", "compact", "mixed"];

async function goldens(): Promise<GoldenVector[]> {
  const out: GoldenVector[] = [];
  for (const topic of TOPICS) {
    const dir = path.join(ROOT, "vectors", "golden", topic);
    for (const f of (await readdir(dir)).filter((n) => n.endsWith(".json")).sort()) out.push(JSON.parse(await readFile(path.join(dir, f), "utf8")) as GoldenVector);
  }
  return out;
}

async function failures(mutant: ReferenceModule): Promise<{ name: string; d: Diagnosis }[]> {
  const out: { name: string; d: Diagnosis }[] = [];
  for (const g of await goldens()) {
    const got = mutant.runScenario(g.scenario, { trace: true });
    const cmp = compareSnapshots(g.snapshots, got.snapshots);
    if (cmp.kind === "mismatch") out.push({ name: g.name, d: diagnose(g, cmp.index, cmp.expected, cmp.actualHex, got.trace ?? []) });
  }
  return out;
}

const IN_P = /^node \d+, up and in P since step \d+ \(\w+\)/;

describe("isolated-node hints on variants of the reference", () => {
  const mutants = new Map<string, ReferenceModule>();
  beforeAll(async () => {
    for (const id of ["crash-keeps-volatile-state", "restart-rejoins-inside-partition", "rejoin-without-store"]) mutants.set(id, await loadMutant(ROOT, VARIANTS.find((v) => v.id === id)!));
  });

  it("a crash that keeps the store: R-CRASH-3 first where the node shows its state from before the crash, never the rejoin's R-RESTART-2 alone", async () => {
    const fails = await failures(mutants.get("crash-keeps-volatile-state")!);
    const hinted = fails.filter((f) => IN_P.test(f.d.hints[0] ?? ""));
    // Most, not all: where the leader's state had not moved since the crash, the bytes cannot tell, and the hint says so.
    expect(hinted.length).toBeGreaterThanOrEqual(fails.length / 2);
    for (const f of hinted) {
      expect(f.d.hints[0], f.name).not.toMatch(/it rejoined when it restarted/);
      expect(f.d.rules[0], f.name).toMatch(/^R-(CRASH-3|RESTART-2)$/);
    }
    const crash = hinted.filter((f) => /before its crash: the crash kept the store|on top of the store it held before its crash/.test(f.d.hints[0]!));
    expect(crash.map((f) => f.name)).toContain("restart/isolated-then-partition-changes");
    expect(crash.map((f) => f.name)).toContain("compact/restart-isolated-restores-saved");
    for (const f of crash) expect(f.d.rules[0], f.name).toBe("R-CRASH-3");
  });

  it("a restart that rejoins inside P: R-RESTART-2 first where the node shows the leader's state, and never R-CRASH-3's hint alone", async () => {
    const fails = await failures(mutants.get("restart-rejoins-inside-partition")!);
    const hinted = fails.filter((f) => IN_P.test(f.d.hints[0] ?? ""));
    expect(hinted.length).toBeGreaterThan(0);
    for (const f of hinted) expect(f.d.hints[0], f.name).not.toMatch(/before its crash: the crash kept the store/);
    const rejoined = hinted.filter((f) => /it rejoined when it restarted/.test(f.d.hints[0]!));
    expect(rejoined.map((f) => f.name)).toContain("partition/lists-down-node");
    for (const f of rejoined) expect(f.d.rules[0], f.name).toBe("R-RESTART-2");
  });

  it("stays silent on a bug whose isolated nodes show neither state: a rejoin that keeps the store it had", async () => {
    const fails = await failures(mutants.get("rejoin-without-store")!);
    expect(fails.length).toBeGreaterThan(0);
    for (const f of fails) expect(f.d.hints.join("\n"), f.name).not.toMatch(IN_P);
  });
});

describe("isolated-node hints on edited snapshots", () => {
  const golden = (scenario: NormalizedScenario): GoldenVector => ({ format: 1, name: "t/x", source: "t", source_sha256: "0".repeat(64), description: "d", tags: [], rules: [], features: [], scenario, snapshots: runScenario(scenario).snapshots as GoldenVector["snapshots"] });
  const edited = (hex: string, lastApplied: bigint, pairs: [string, string][]) => {
    const v = decodeVerdict(hexToBytes(hex));
    if (!v.ok) throw new Error(v.message);
    return bytesToHex(encodeSnapshot({ ...v.snapshot, lastIncludedIndex: lastApplied, lastIncludedTerm: lastApplied === 0n ? 0n : 1n, pairs: pairs.map(([k, x]) => ({ keyBytes: utf8Bytes(k), value: hexToBytes(x) })) }));
  };
  // Node 2 holds a=1 when it crashes; it restarts inside P while the leader has moved on to b=2.
  const scenario: NormalizedScenario = {
    cluster: { nodes: 3, leader: 1 },
    steps: [
      { op: "put", key: "a", value: "31" },
      { op: "crash", node: 2 },
      { op: "put", key: "b", value: "32" },
      { op: "partition", nodes: [2] },
      { op: "restart", node: 2 },
      { op: "snapshot", nodes: [2] },
    ],
  };
  const g = golden(scenario);
  const expected = g.snapshots[0]!;
  // The trace a port with that state would send: the reference's, with node 2's state replaced from the restart on.
  const traceWith = (hex: string) => (runScenario(scenario, { trace: true }).trace ?? []).map((t, i) => (i >= 4 ? { ...t, states: t.states.map((s, k) => (k === 1 ? hex : s)) } : t));

  it("the state from before the crash names R-CRASH-3; the leader's names R-RESTART-2", () => {
    const kept = edited(expected.hex, 1n, [["a", "31"]]);
    const d = diagnose(g, 0, expected, kept, traceWith(kept));
    expect(d.hints[0]).toMatch(/^node 2, up and in P since step 4 \(restart\), shows at step 5 exactly the state it held before its crash: .*\(R-CRASH-3\)$/);
    expect(d.rules[0]).toBe("R-CRASH-3");
    const rejoined = edited(expected.hex, 2n, [["a", "31"], ["b", "32"]]);
    const r = diagnose(g, 0, expected, rejoined, traceWith(rejoined));
    expect(r.hints[0]).toMatch(/^node 2, up and in P since step 4 \(restart\), shows the leader's state at step 5: it rejoined when it restarted, .*\(R-RESTART-2\)$/);
    expect(r.rules[0]).toBe("R-RESTART-2");
  });

  it("a state that is neither whole gets no such hint", () => {
    const other = edited(expected.hex, 2n, [["a", "31"]]);
    const d = diagnose(g, 0, expected, other, traceWith(other));
    expect(d.hints.join("\n")).not.toMatch(IN_P);
  });
});
