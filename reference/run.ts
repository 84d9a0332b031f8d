// Running a normalized scenario (SPEC.md section 2): the snapshots it emits and, on request, the trace of
// every node's snapshot after every step (R-PROTO-7), with its election state when the scenario needs
// `elect` (R-TRACE-1).
import { bytesToHex } from "./bytes.js";
import { Cluster, nodeSnapshot, raftState } from "./cluster.js";
import { requiredFeatures } from "./normalize.js";
import { RaftSafety } from "./raft_safety.js";
import type { NormalizedScenario } from "./types/normalized.gen.js";
import type { SnapshotEntry, TraceEntry } from "./types/protocol.gen.js";

export interface RunResult {
  snapshots: SnapshotEntry[];
  trace?: TraceEntry[];
}

export { nodeSnapshot };

export interface RunOptions {
  trace?: boolean;
  /** Assert Raft's Figure 3 safety properties after every step (raft_safety.ts); a violation throws. */
  checkSafety?: boolean;
}

export function runScenario(scenario: NormalizedScenario, options: RunOptions = {}): RunResult {
  const needsElect = requiredFeatures(scenario).includes("elect");
  const cluster = new Cluster(scenario.cluster, { fixedLeader: !needsElect });
  const safety = options.checkSafety ? new RaftSafety() : null;
  const elect = options.trace === true && needsElect;
  const snapshots: SnapshotEntry[] = [];
  const trace: TraceEntry[] | undefined = options.trace ? [] : undefined;
  scenario.steps.forEach((step, i) => {
    if (step.op === "snapshot") {
      // R-SNAP-3: in the order listed; no replication round follows.
      for (const id of step.nodes) snapshots.push({ step: i, node: id, hex: bytesToHex(nodeSnapshot(cluster.node(id))) });
    } else {
      cluster.apply(step);
    }
    safety?.observe(cluster, i);
    trace?.push({ step: i, states: cluster.nodes.map((n) => (n.up ? bytesToHex(nodeSnapshot(n)) : null)), ...(elect ? { raft: cluster.nodes.map(raftState) } : {}) });
  });
  return trace ? { snapshots, trace } : { snapshots };
}
