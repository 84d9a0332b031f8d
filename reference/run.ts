// Running a normalized scenario (SPEC.md section 2): the snapshots it emits and, on request, the trace of
// every node's snapshot after every step (R-PROTO-7).
import { bytesToHex } from "./bytes.js";
import { Cluster, nodeSnapshot } from "./cluster.js";
import type { NormalizedScenario } from "./types/normalized.gen.js";
import type { SnapshotEntry, TraceEntry } from "./types/protocol.gen.js";

export interface RunResult {
  snapshots: SnapshotEntry[];
  trace?: TraceEntry[];
}

export { nodeSnapshot };

export function runScenario(scenario: NormalizedScenario, options: { trace?: boolean } = {}): RunResult {
  const cluster = new Cluster(scenario.cluster);
  const snapshots: SnapshotEntry[] = [];
  const trace: TraceEntry[] | undefined = options.trace ? [] : undefined;
  scenario.steps.forEach((step, i) => {
    if (step.op === "snapshot") {
      // R-SNAP-3: in the order listed; no replication round follows.
      for (const id of step.nodes) snapshots.push({ step: i, node: id, hex: bytesToHex(nodeSnapshot(cluster.node(id))) });
    } else {
      cluster.apply(step);
    }
    trace?.push({ step: i, states: cluster.nodes.map((n) => (n.up ? bytesToHex(nodeSnapshot(n)) : null)) });
  });
  return trace ? { snapshots, trace } : { snapshots };
}
