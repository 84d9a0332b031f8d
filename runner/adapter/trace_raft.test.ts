// R-TRACE-1 as the runner checks a port's trace: raft states exactly for a scenario that needs `elect`,
// one per node, null exactly where the node's state is null.
import { describe, expect, it } from "vitest";
import { runScenario, type NormalizedScenario, type TraceEntry } from "../../reference/index.js";
import { traceProblem } from "./protocol.js";

const elect: NormalizedScenario = {
  cluster: { nodes: 3, leader: 1 },
  steps: [{ op: "put", key: "a", value: "01" }, { op: "crash", node: 1 }, { op: "elect", node: 2 }, { op: "snapshot", nodes: [2] }],
};
const plain: NormalizedScenario = { cluster: { nodes: 3, leader: 1 }, steps: [{ op: "put", key: "a", value: "01" }, { op: "snapshot", nodes: [1] }] };

const traceOf = (s: NormalizedScenario): TraceEntry[] => runScenario(s, { trace: true }).trace!;

describe("trace checks for elect (R-TRACE-1)", () => {
  it("accepts the reference's traces, with and without elect", () => {
    expect(traceOf(elect).every((t) => t.raft?.length === 3)).toBe(true);
    expect(traceOf(plain).some((t) => "raft" in t)).toBe(false);
    expect(traceProblem(traceOf(elect), elect)).toBeNull();
    expect(traceProblem(traceOf(plain), plain)).toBeNull();
  });

  it("refuses raft states missing, short, extra, or not null exactly while down", () => {
    const without = traceOf(elect).map(({ step, states }) => ({ step, states }));
    expect(traceProblem(without, elect)).toMatch(/^trace entry 0 has no raft states .*R-TRACE-1/);
    const short = traceOf(elect).map((t) => ({ ...t, raft: t.raft!.slice(1) }));
    expect(traceProblem(short, elect)).toMatch(/has 2 raft states for 3 nodes/);
    const extra = traceOf(plain).map((t) => ({ ...t, raft: [null, null, null] }));
    expect(traceProblem(extra, plain)).toMatch(/does not need elect \(R-TRACE-1\)/);
    // After step 1 node 1 is down: a raft state for it is a lie.
    const lying = traceOf(elect).map((t) => ({ ...t, raft: t.raft!.map((r) => r ?? { role: "follower" as const, voted_for: null, log_length: 1, last_log_term: 1 }) }));
    expect(traceProblem(lying, elect)).toBe("trace entry 1, node 1: its raft state is given where its state is null (R-TRACE-1: null exactly while down)");
  });
});
