// Elections (SPEC.md 3.4), one rule at a time. Every expected value below is worked out from SPEC.md by
// hand (the comments show the working), never taken from a run; the Figure 3 checker is on in every run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hexToBytes } from "./bytes.js";
import { decodeVerdict, keyString } from "./decode.js";
import { loadScenario } from "./normalize.js";
import { runScenario } from "./run.js";
import type { NormalizedScenario, Step } from "./types/normalized.gen.js";
import type { RaftState } from "./types/protocol.gen.js";

interface NodeView {
  term: number;
  applied: number;
  appliedTerm: number;
  keys: string[];
  raft: RaftState | null;
}

/**
 * A last step with `via`, after everything observed: it makes every scenario here need `elect` (R-ELECT-1),
 * as one that crashes or isolates the leader must.
 */
const NEEDS_ELECT: Step = { op: "put", key: "z", value: "", via: 1 };

/** Runs steps (with the safety checker) and returns every node's view after step `at` (default: the last). */
function run(nodes: number, steps: Step[], at = steps.length - 1): (NodeView | null)[] {
  const scenario = { cluster: { nodes, leader: 1 }, steps: [...steps, NEEDS_ELECT, { op: "snapshot", nodes: [1] }] } as unknown as NormalizedScenario;
  const { trace } = runScenario(scenario, { trace: true, checkSafety: true });
  const entry = trace![at]!;
  return entry.states.map((hex, k) => {
    if (hex === null) return null;
    const v = decodeVerdict(hexToBytes(hex));
    if (!v.ok) throw new Error(v.message);
    const s = v.snapshot;
    return {
      term: Number(s.currentTerm),
      applied: Number(s.lastIncludedIndex),
      appliedTerm: Number(s.lastIncludedTerm),
      keys: [...s.pairs].map((p) => keyString(p.keyBytes)),
      raft: entry.raft?.[k] ?? null,
    };
  });
}

const put = (key: string, via?: number): Step => (via === undefined ? { op: "put", key, value: "01" } : { op: "put", key, value: "01", via });
const elect = (node: number): Step => ({ op: "elect", node });
const partition = (...nodes: number[]): Step => ({ op: "partition", nodes });
const crash = (node: number): Step => ({ op: "crash", node });
const restart = (node: number): Step => ({ op: "restart", node });

describe("elections (SPEC.md 3.4)", () => {
  it("a leader crash and a new election: the winner's no-op commits at once (R-ELECT-4, R-NOOP-1, R-COMMIT-4)", () => {
    // 3 nodes. a is entry 1 (term 1) on all; 1 crashes; 2 becomes a candidate of term 2, 3 grants (logs
    // equal), 2 of 3 is a majority: leader, no-op at 2 (term 2), held by 2 and 3 (1 is down, holds only 1).
    const [n1, n2, n3] = run(3, [put("a"), crash(1), elect(2)]);
    expect(n1).toBeNull();
    expect(n2).toEqual({ term: 2, applied: 2, appliedTerm: 2, keys: ["a"], raft: { role: "leader", voted_for: 2, log_length: 2, last_log_term: 2 } });
    expect(n3).toEqual({ term: 2, applied: 2, appliedTerm: 2, keys: ["a"], raft: { role: "follower", voted_for: 2, log_length: 2, last_log_term: 2 } });
  });

  it("commands go to the highest-term up leader; with none, they are dropped (R-ROUTE-1)", () => {
    // After 1 crashes, no leader is up: b is dropped. 1 restarts as a follower: still no leader: c dropped.
    const steps = [put("a"), crash(1), put("b"), restart(1), put("c"), elect(3), put("d")];
    const [n1, , n3] = run(3, steps);
    // 3 wins term 2 (1 and 2 grant: equal logs of one entry): no-op 2, d is 3 (term 2), all committed.
    expect(n3).toMatchObject({ term: 2, applied: 3, appliedTerm: 2, keys: ["a", "d"] });
    expect(n1).toMatchObject({ term: 2, applied: 3, keys: ["a", "d"], raft: { role: "follower", voted_for: 3, log_length: 3, last_log_term: 2 } });
  });

  it("a vote is refused to a shorter log of the same last term (R-VOTE-2, by length)", () => {
    // 3 is isolated after a, misses b (1 and 2 commit it: 2 of 3). 1 crashes; the partition lifts, but no
    // leader is up, so 3 is not brought in. 3 stands for term 2: 2 adopts term 2 but refuses (last terms 1 =
    // 1, length 1 < 2). 3 is left a candidate and nobody leads.
    const steps = [put("a"), partition(3), put("b"), crash(1), partition(), elect(3)];
    const [, n2, n3] = run(3, steps);
    expect(n3).toEqual({ term: 2, applied: 1, appliedTerm: 1, keys: ["a"], raft: { role: "candidate", voted_for: 3, log_length: 1, last_log_term: 1 } });
    expect(n2).toEqual({ term: 2, applied: 2, appliedTerm: 1, keys: ["a", "b"], raft: { role: "follower", voted_for: null, log_length: 2, last_log_term: 1 } });
    // Then 2 stands for term 3: 3 adopts it and grants; 2 leads, no-op 3 commits, 3 is brought in.
    const [, m2, m3] = run(3, [...steps, elect(2)]);
    expect(m2).toMatchObject({ term: 3, applied: 3, appliedTerm: 3, keys: ["a", "b"], raft: { role: "leader", voted_for: 2 } });
    expect(m3).toMatchObject({ term: 3, applied: 3, appliedTerm: 3, keys: ["a", "b"], raft: { role: "follower", voted_for: 2, log_length: 3 } });
  });

  it("split brain: the stale leader's entries never commit and are truncated at heal; a longer log of an older last term loses the vote (R-VOTE-2, R-TRUNC-1)", () => {
    const steps = [
      put("a"), // 1: entry 1 (term 1) on all, committed
      partition(1), // 1 alone, still leader of term 1
      put("x", 1), // 1: entry 2 (term 1), on 1 only
      elect(2), // 2 wins term 2 with 3's vote: no-op 2 (term 2) on 2, 3; committed
      put("y"), // default leader is 2 (term 2 > 1): entry 3 (term 2) on 2, 3; committed
      put("x2", 1), // stale 1: entry 3 (term 1)
      put("x3", 1), // stale 1: entry 4 (term 1); 1's log: 4 entries, last term 1
      partition(2), // 2 alone; 1 and 3 share a side: 1 (term 1) meets 3 (term 2) and steps down (R-ROUND-2.1)
      elect(1), // term 3: 3 adopts 3 but refuses: 1's last term 1 < 2, though 1's log is longer (4 > 3)
    ];
    const [n1, n2, n3] = run(3, steps);
    expect(n1).toEqual({ term: 3, applied: 1, appliedTerm: 1, keys: ["a"], raft: { role: "candidate", voted_for: 1, log_length: 4, last_log_term: 1 } });
    expect(n3).toEqual({ term: 3, applied: 3, appliedTerm: 2, keys: ["a", "y"], raft: { role: "follower", voted_for: null, log_length: 3, last_log_term: 2 } });
    // 2, alone on its side, still leads term 2 (split brain) and knows nothing of term 3.
    expect(n2).toEqual({ term: 2, applied: 3, appliedTerm: 2, keys: ["a", "y"], raft: { role: "leader", voted_for: 2, log_length: 3, last_log_term: 2 } });

    // 3 stands for term 4 and 1 grants (3's last term 2 > 1); 3's no-op is 4 (term 4). 1 is brought in: its
    // entries 2..4 of term 1 are truncated (never committed); behind 3's commit index 3, it takes 3's store.
    const won = run(3, [...steps, elect(3)]);
    expect(won[0]).toEqual({ term: 4, applied: 4, appliedTerm: 4, keys: ["a", "y"], raft: { role: "follower", voted_for: 3, log_length: 4, last_log_term: 4 } });
    expect(won[2]).toMatchObject({ term: 4, applied: 4, appliedTerm: 4, raft: { role: "leader", log_length: 4 } });

    // Heal: 2 (leader of term 2) meets term 4 and steps down; 3 brings it in.
    const healed = run(3, [...steps, elect(3), { op: "heal" }]);
    expect(healed[1]).toEqual({ term: 4, applied: 4, appliedTerm: 4, keys: ["a", "y"], raft: { role: "follower", voted_for: null, log_length: 4, last_log_term: 4 } });
  });

  it("votes persist across a crash: one vote per term (R-VOTE-1, R-CRASH-4)", () => {
    // 4 nodes, majority 3. 4 is isolated; 1 crashes. 2 stands for term 2 on side {1(down),2,3}: 3 grants, 2 of
    // 4 is no majority: 2 stays a candidate. 3 crashes and restarts: it keeps term 2 and its vote for 2.
    // Then 3 stands for term 3 on that side: 2 adopts 3 and grants (equal logs): still 2 of 4.
    const base = [put("a"), partition(4), crash(1), elect(2), crash(3), restart(3)];
    const [, n2, n3] = run(4, base);
    expect(n3!.raft).toEqual({ role: "follower", voted_for: 2, log_length: 1, last_log_term: 1 });
    expect(n3!.term).toBe(2);
    expect(n2!.raft!.role).toBe("candidate");
    // 1 restarts with term 1 and no vote; 4 joins the side. 2 stands again (term 3): 1, 3 and 4 grant.
    const later = run(4, [...base, restart(1), partition(), elect(2)]);
    expect(later.map((n) => n!.raft!.role)).toEqual(["follower", "leader", "follower", "follower"]);
    expect(later.map((n) => n!.term)).toEqual([3, 3, 3, 3]);
  });

  it("a voter grants one vote per term, also after a crash (R-VOTE-1.3, R-CRASH-4)", () => {
    // A winner's voters hold its no-op at once, so a second vote in its term is refused by R-VOTE-2 anyway;
    // the vote itself decides only after a lost election. 5 nodes, majority 3: 4 and 5 are cut off, leader 1
    // crashes; 2 stands for term 2 and gets 3's vote: 2 of 5, lost. Then 2 is cut off, and 4 stands: 4's term
    // 1 + 1 is 2, the term 3 voted in, with an equal log: 3 refuses, 5 grants: 2 of 5 again, lost.
    const steps = [put("a"), partition(4, 5), crash(1), elect(2), partition(2)];
    for (const bounce of [[], [crash(3), restart(3)]]) {
      const [, n2, n3, n4, n5] = run(5, [...steps, ...bounce, elect(4)]);
      expect(n4).toMatchObject({ term: 2, raft: { role: "candidate", voted_for: 4 } });
      expect(n3).toMatchObject({ term: 2, raft: { role: "follower", voted_for: 2 } });
      expect(n5).toMatchObject({ term: 2, raft: { role: "follower", voted_for: 4 } });
      expect(n2).toMatchObject({ term: 2, raft: { role: "candidate", voted_for: 2 } });
    }
  });

  it("a node down through several terms adopts the current one when it restarts (R-ROUND-2.3)", () => {
    const [n1, n2] = run(3, [put("a"), crash(1), elect(2), elect(3), elect(2), put("b"), restart(1)]);
    // Terms: 2 (2 wins), 3 (3 wins), 4 (2 wins); no-ops 2, 3, 4; b is 5. 1 comes back at term 1, is brought in.
    expect(n2).toMatchObject({ term: 4, applied: 5, appliedTerm: 4, keys: ["a", "b"] });
    expect(n1).toEqual({ term: 4, applied: 5, appliedTerm: 4, keys: ["a", "b"], raft: { role: "follower", voted_for: null, log_length: 5, last_log_term: 4 } });
  });

  it("a leader in a minority appends but never commits; its own snapshot shows nothing new (R-COMMIT-4)", () => {
    // 5 nodes, 1 and 2 cut off with leader 1: b reaches 2 only, 2 of 5 hold it.
    const [n1, n2] = run(5, [put("a"), partition(1, 2), put("b")]);
    expect(n1).toMatchObject({ applied: 1, keys: ["a"], raft: { role: "leader", log_length: 2 } });
    expect(n2).toMatchObject({ applied: 1, keys: ["a"], raft: { role: "follower", log_length: 2 } });
  });

  it("an isolated candidate loses alone, at every size but 1 (R-ELECT-4)", () => {
    expect(run(1, [put("a"), elect(1)])[0]).toMatchObject({ term: 2, applied: 2, raft: { role: "leader" } });
    const two = run(2, [put("a"), partition(2), elect(2)]);
    // 2 alone cannot win 2 of 2; 1 keeps leading term 1 on its side.
    expect(two[1]).toMatchObject({ term: 2, raft: { role: "candidate" } });
    expect(two[0]).toMatchObject({ term: 1, raft: { role: "leader" } });
  });

  it("a candidate that meets a higher term steps down whatever its votes (R-ELECT-4 a)", () => {
    // 5 nodes. 5 alone stands twice (terms 2, 3): it loses. When the partition lifts, leader 1 (term 1) meets
    // term 3 on its side and steps down to it (R-ROUND-2.1). 2 stands for term 2: 3 and 4 grant (3 of 5
    // with its own), but 1 and 5 refuse with term 3: 2 becomes a follower of term 3, and nobody leads.
    const [n1, n2, n3, , n5] = run(5, [put("a"), partition(5), elect(5), elect(5), partition(), elect(2)]);
    expect(n2).toMatchObject({ term: 3, raft: { role: "follower", voted_for: null } });
    expect(n5).toMatchObject({ term: 3, raft: { role: "candidate", voted_for: 5 } });
    expect(n1).toMatchObject({ term: 3, raft: { role: "follower", voted_for: null } });
    expect(n3).toMatchObject({ term: 2, raft: { role: "follower", voted_for: 2 } });
  });
});

describe("elections with compaction (R-INSTALL-4, R-COMPACT-4)", () => {
  it("a compacted leader is elected and installs its snapshot on a diverged follower", () => {
    const steps: Step[] = [
      put("a"),
      partition(1), // stale 1
      put("x", 1), // 1: entry 2 of term 1
      elect(2), // 2 leads term 2: no-op at 2
      put("b"), // entry 3 of term 2, committed on 2 and 3
      { op: "compact", node: 2 }, // 2 saves at 3 (term 2) and discards 1..3
      { op: "heal" }, // 1 meets term 2, steps down; 2 brings it in: 1's log is 2 long < 3: installs
      crash(1),
      partition(1),
      restart(1), // restored from the installed snapshot: index 3, term 2, {a, b}
    ];
    const [n1] = run(3, steps);
    expect(n1).toEqual({ term: 2, applied: 3, appliedTerm: 2, keys: ["a", "b"], raft: { role: "follower", voted_for: null, log_length: 3, last_log_term: 2 } });
  });
});

describe("validation with elect (R-ELECT-1, R-ELECT-2)", () => {
  const load = (steps: unknown[]) => loadScenario(JSON.stringify({ description: "d", steps: [...steps, { op: "snapshot", nodes: [2] }] }));
  it("crashing or isolating the leader is valid only with an elect step or a via", () => {
    expect(load([{ op: "crash", node: 1 }])).toMatchObject({ ok: false, problems: [{ rule: "R-CRASH-1" }] });
    expect(load([{ op: "crash", node: 1 }, { op: "elect", node: 2 }])).toMatchObject({ ok: true, features: ["crash", "elect"] });
    expect(load([{ op: "partition", nodes: [1] }, { op: "put", key: "k", value: { hex: "" }, via: 1 }])).toMatchObject({ ok: true, features: ["elect"] });
  });
  it("via survives normalization, last, and only where it was written (R-NORM-4)", () => {
    const r = load([{ op: "put", via: 2, key: "k", value: { hex: "" } }, { op: "delete", key: "k" }]);
    expect(r.ok && JSON.stringify(r.scenario.steps.slice(0, 2))).toBe('[{"op":"put","key":"k","value":"","via":2},{"op":"delete","key":"k"}]');
  });
});

describe("Raft's Figure 3 safety properties under random elections", () => {
  const step = (n: number): fc.Arbitrary<Step> =>
    fc.oneof(
      fc.record({ op: fc.constant("put" as const), key: fc.constantFrom("a", "b"), value: fc.constantFrom("01", "02") }),
      fc.record({ op: fc.constant("put" as const), key: fc.constantFrom("a", "b"), value: fc.constant("03"), via: fc.integer({ min: 1, max: n }) }),
      fc.record({ op: fc.constant("elect" as const), node: fc.integer({ min: 1, max: n }) }),
      fc.record({ op: fc.constant("partition" as const), nodes: fc.uniqueArray(fc.integer({ min: 1, max: n }), { maxLength: n }) }),
      fc.record({ op: fc.constant("crash" as const), node: fc.integer({ min: 1, max: n }) }),
      fc.record({ op: fc.constant("restart" as const), node: fc.integer({ min: 1, max: n }) }),
      fc.record({ op: fc.constant("compact" as const), node: fc.integer({ min: 1, max: n }) }),
      fc.constant({ op: "heal" as const }),
    );
  /** Drops the steps R-CRASH-2, R-RESTART-1, R-COMPACT-1 and R-ELECT-2 would reject. */
  function valid(n: number, steps: Step[]): Step[] {
    const up = new Array<boolean>(n + 1).fill(true);
    return steps.filter((s) => {
      if (s.op === "crash") return up[s.node] ? !(up[s.node] = false) : false;
      if (s.op === "restart") return up[s.node] ? false : (up[s.node] = true);
      if (s.op === "heal") return up.fill(true) !== null;
      if (s.op === "compact" || s.op === "elect") return up[s.node]!;
      return true;
    });
  }
  it("holds after every step (a violation throws with the property's name)", () => {
    const scenario = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), fc.array(step(n), { minLength: 1, maxLength: 40 })));
    fc.assert(
      fc.property(scenario, ([n, steps]) => {
        // Ends with a heal, one election and a command, so that the last round reconciles everybody.
        const all = valid(n, [...steps, { op: "heal" }, { op: "elect", node: 1 }, NEEDS_ELECT, { op: "snapshot", nodes: [1] }]);
        runScenario({ cluster: { nodes: n, leader: 1 }, steps: all } as unknown as NormalizedScenario, { checkSafety: true });
      }),
      { numRuns: 2000 },
    );
  });
});
