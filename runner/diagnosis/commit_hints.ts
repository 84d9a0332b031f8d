// A commit that only a down follower's log makes (SPEC.md R-COMMIT-1: every node counts with its current log
// length, down followers alike, since a crash keeps the log, R-CRASH-3). A port that counts a down follower as
// holding nothing, or forgets its log at the crash, first diverges at the very step where the reference's
// leader commits thanks to that log; the hint names the step and the follower.
import { Cluster } from "../../reference/index.js";
import type { HistoryClues, HistoryHint } from "./history_hints.js";

/** R-COMMIT-1's candidate: the majority-th largest log length over all nodes, `counted` deciding each node's. */
function candidate(cluster: Cluster, counted: (n: Cluster["nodes"][number]) => number): number {
  const lengths = cluster.nodes.map(counted).sort((a, b) => b - a);
  return lengths[cluster.majority - 1] ?? 0;
}

export function downLogCommitHint(c: HistoryClues): HistoryHint | null {
  const d = c.divergence;
  const leader = c.scenario.cluster.leader;
  if (d === null || d.op.op === "snapshot" || !d.nodes.includes(leader)) return null;
  const cluster = new Cluster(c.scenario.cluster);
  for (let i = 0; i < d.step; i++) {
    const step = c.scenario.steps[i]!;
    if (step.op !== "snapshot") cluster.apply(step);
  }
  const before = cluster.leader.commitIndex;
  cluster.apply(d.op);
  const after = cluster.leader.commitIndex;
  // The round of step d commits; without the down followers' logs it would not have.
  if (after <= before || Math.max(before, candidate(cluster, (n) => (n.up ? n.logLength : 0))) >= after) return null;
  const down = cluster.nodes.filter((n) => !n.up && n.logLength >= after).map((n) => n.id);
  if (down.length === 0) return null;
  const them = down.length === 1 ? `down follower ${down[0]}'s log` : `the logs of down followers ${down.join(", ")}`;
  return {
    rule: "R-COMMIT-1",
    line: `the leader, node ${leader}, first diverged at step ${d.step} (${d.op.op}), where it commits entry ${after} only because ${them} holds it: a down follower counts towards the majority with the log it kept at its crash (R-COMMIT-1, R-CRASH-3)`,
  };
}
