// The history hints on real port bugs: variants of the reference (selftest/mutation/mutants.ts) run over the
// corpus's goldens in process, each failure diagnosed from the variant's own trace as the runner diagnoses it;
// and on a snapshot edited as a port that applies an entry twice would write it.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, decodeVerdict, encodeSnapshot, hexToBytes, runScenario, utf8Bytes, type GoldenVector, type NormalizedScenario } from "../../reference/index.js";
import { loadMutant, type ReferenceModule } from "../../selftest/mutation/mutants.js";
import { VARIANTS, type Variant } from "../../selftest/mutation/variants.js";
import { compareSnapshots } from "./compare.js";
import { diagnose, type Diagnosis } from "./diagnose.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** A rejoin that shares the leader's store instead of copying it: every later entry reaches it twice. */
const SHARED_STORE: Variant = {
  id: "test-rejoin-shares-store",
  kind: "aliasing",
  bug: "a rejoining follower gets the leader's store itself, not a copy",
  rules: ["R-REJOIN-2"],
  patches: [{ file: "cluster.ts", search: "      f.store = ld.store.clone();", replace: "      f.store = ld.store;" }],
};

async function goldens(topics: readonly string[]): Promise<GoldenVector[]> {
  const out: GoldenVector[] = [];
  for (const topic of topics) {
    const dir = path.join(ROOT, "vectors", "golden", topic);
    for (const f of (await readdir(dir)).filter((n) => n.endsWith(".json")).sort()) out.push(JSON.parse(await readFile(path.join(dir, f), "utf8")) as GoldenVector);
  }
  return out;
}

/** Each golden the variant fails, diagnosed from the variant's trace. */
async function failures(mutant: ReferenceModule, topics: readonly string[]): Promise<{ name: string; d: Diagnosis }[]> {
  const out: { name: string; d: Diagnosis }[] = [];
  for (const g of await goldens(topics)) {
    const got = mutant.runScenario(g.scenario, { trace: true });
    const cmp = compareSnapshots(g.snapshots, got.snapshots);
    if (cmp.kind === "mismatch") out.push({ name: g.name, d: diagnose(g, cmp.index, cmp.expected, cmp.actualHex, got.trace ?? []) });
  }
  return out;
}

describe("history hints on variants of the reference", () => {
  let shared: ReferenceModule;
  let install: ReferenceModule;
  let again: ReferenceModule;
  beforeAll(async () => {
    shared = await loadMutant(ROOT, SHARED_STORE);
    install = await loadMutant(ROOT, VARIANTS.find((v) => v.id === "install-boundary-off-by-one")!);
    again = await loadMutant(ROOT, VARIANTS.find((v) => v.id === "apply-from-last-applied")!);
  });

  it("an entry applied again on every node: R-APPLY-1, not the shared store, wherever a node that never rejoined diverged too", async () => {
    const fails = await failures(again, ["append", "incr", "mixed", "heal"]);
    const twice = fails.filter((f) => f.d.hints.some((h) => /applied (twice|\d+ times)/.test(h)));
    expect(twice.length).toBeGreaterThanOrEqual(5);
    const apart = twice.filter((f) => f.d.hints.some((h) => /diverged (together, not only the leader and followers that rejoined|alone): an entry was applied again; .*\(R-APPLY-1\)$/.test(h)));
    // heal/after-writes-before-and-during-partition: before the fix its writes before the heal made it a rejoin.
    expect(apart.map((f) => f.name)).toContain("heal/after-writes-before-and-during-partition");
    for (const f of apart) expect(f.d.rules[0], f.name).toBe("R-APPLY-1");
  });

  it("a store shared at rejoin: a value applied twice, R-REJOIN-2 first, not the append or incr the symptom points at", async () => {
    const fails = await failures(shared, ["rejoin", "restart", "heal", "append", "incr", "mixed"]);
    expect(fails.length).toBeGreaterThan(0);
    const hinted = fails.filter((f) => f.d.hints.some((h) => /(applied (twice|\d+ times)).*after a rejoin.*\(R-REJOIN-2\)|share the leader.s store.*\(R-REJOIN-2\)/.test(h)));
    // Most, not all: where several values moved in ways no one repeated entry explains, no hint is sure enough.
    expect(hinted.length).toBeGreaterThanOrEqual(fails.length / 2);
    for (const f of hinted) expect(f.d.rules[0], f.name).toBe("R-REJOIN-2");
  });

  it("an install decision off by one: R-INSTALL-1 first on every failure, with the hint where last_included_index is one off", async () => {
    const fails = await failures(install, ["compact"]);
    expect(fails.length).toBeGreaterThan(0);
    for (const f of fails) expect(f.d.rules[0], f.name).toBe("R-INSTALL-1");
    const hinted = fails.filter((f) => f.d.hints.some((h) => /one more than the expected .*: the install decision is off by one; .*\(R-INSTALL-1\)$/.test(h)));
    expect(hinted.map((f) => f.name)).toContain("compact/boundary-log-equals-saved-index-keeps");
  });
});

describe("applied twice without a rejoin", () => {
  const golden = (scenario: NormalizedScenario): GoldenVector => ({ format: 1, name: "t/x", source: "t", source_sha256: "0".repeat(64), description: "d", tags: [], rules: [], features: [], scenario, snapshots: runScenario(scenario).snapshots as GoldenVector["snapshots"] });
  const withValue = (hex: string, key: string, value: Uint8Array) => {
    const v = decodeVerdict(hexToBytes(hex));
    if (!v.ok) throw new Error(v.message);
    return bytesToHex(encodeSnapshot({ ...v.snapshot, pairs: [{ keyBytes: utf8Bytes(key), value }] }));
  };

  it("an append applied again names R-APPLY-1 first; another wrong value gets no such hint", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "k", value: "61" }, { op: "append", key: "k", value: "6263" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0]!;
    const twice = diagnose(g, 0, expected, withValue(expected.hex, "k", Uint8Array.of(0x61, 0x62, 0x63, 0x62, 0x63)), "no trace in this test");
    expect(twice.hints[0]).toMatch(/^value of "k" is the expected value with step 1's append applied twice: .*\(R-APPLY-1\)$/);
    expect(twice.rules[0]).toBe("R-APPLY-1");
    const other = diagnose(g, 0, expected, withValue(expected.hex, "k", Uint8Array.of(0x61, 0x62, 0x63, 0x62)), "no trace in this test");
    expect(other.hints.join("\n")).not.toMatch(/applied twice/);
  });

  it("an incr applied again is the expected value plus its delta, modulo 2^64", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "incr", key: "n", delta: "18446744073709551615" }, { op: "incr", key: "n", delta: "3" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0]!;
    // Expected 2 (2^64 - 1 + 3, wrapped); applied again: 5.
    const d = diagnose(g, 0, expected, withValue(expected.hex, "n", Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 5)), "no trace in this test");
    expect(d.hints[0]).toMatch(/step 1's incr applied twice/);
  });
});
