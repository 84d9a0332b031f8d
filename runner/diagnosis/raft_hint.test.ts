import { describe, expect, it } from "vitest";
import { runScenario, type NormalizedScenario, type TraceEntry } from "../../reference/index.js";
import { raftHint } from "./raft_hint.js";

// The leader crashes, node 2 wins term 2 with node 3's vote, node 3 crashes and restarts, and the old leader
// restarts into term 2.
const SCENARIO: NormalizedScenario = {
  cluster: { nodes: 3, leader: 1 },
  steps: [
    { op: "put", key: "a", value: "31" },
    { op: "crash", node: 1 },
    { op: "elect", node: 2 },
    { op: "crash", node: 3 },
    { op: "restart", node: 3 },
    { op: "restart", node: 1 },
    { op: "snapshot", nodes: [1, 2, 3] },
  ],
};

const reference = (): TraceEntry[] => runScenario(SCENARIO, { trace: true }).trace!;

/** The reference's trace with node `node`'s election state after step `step` (and every later one) edited. */
function edited(step: number, node: number, edit: (r: NonNullable<NonNullable<TraceEntry["raft"]>[number]>) => void): TraceEntry[] {
  const trace = structuredClone(reference());
  for (let i = step; i < trace.length; i++) {
    const r = trace[i]!.raft?.[node - 1];
    if (r) edit(r);
  }
  return trace;
}

describe("raftHint", () => {
  it("says nothing when the election states agree", () => {
    const t = reference();
    expect(t[2]!.raft?.[1]).toMatchObject({ role: "leader", voted_for: 2 });
    expect(raftHint(SCENARIO, t, reference())).toBeNull();
  });

  it("a vote forgotten at a restart is R-TERM-1", () => {
    expect(reference()[4]!.raft?.[2]).toMatchObject({ role: "follower", voted_for: 2 });
    const actual = edited(4, 3, (r) => {
      r.voted_for = null;
    });
    expect(raftHint(SCENARIO, reference(), actual)).toMatch(/^node 3 after step 4 \(restart 3\): voted_for 2 expected, none here: voted_for is persistent and survives a crash \(R-TERM-1\)$/);
  });

  it("a winner without its no-op is R-NOOP-1, named at the election step", () => {
    const actual = edited(2, 2, (r) => {
      r.log_length -= 1;
      r.last_log_term = 1;
    });
    const line = raftHint(SCENARIO, reference(), actual);
    expect(line).toMatch(/^node 2 after step 2 \(elect 2\): log length 2 expected, 1 here: .*\(R-NOOP-1\)$/);
  });

  it("a voter that keeps leading after a vote request of a higher term is R-VOTE-1; in a round it is R-ROUND-2", () => {
    // Node 3 is no leader here, but an edited trace where it claims to be shows where the rule is read.
    const atElect = edited(2, 3, (r) => {
      r.role = "leader";
    });
    expect(raftHint(SCENARIO, reference(), atElect)).toMatch(/^node 3 after step 2 \(elect 2\): follower expected, leader here: .*\(R-VOTE-1\)$/);
    const inRound = structuredClone(reference());
    inRound[0]!.raft![2]!.role = "leader";
    expect(raftHint(SCENARIO, reference(), inRound)).toMatch(/^node 3 after step 0 \(put\): follower expected, leader here: .*\(R-ROUND-2\)$/);
  });

  it("a second vote in a term is R-VOTE-1", () => {
    const actual = edited(2, 3, (r) => {
      r.voted_for = 3;
    });
    expect(raftHint(SCENARIO, reference(), actual)).toMatch(/^node 3 after step 2 \(elect 2\): voted_for 2 expected, 3 here \(R-VOTE-1\)$/);
  });
});
