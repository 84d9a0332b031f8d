// A commit that only a down follower's log makes (SPEC.md R-COMMIT-1: every node counts with its current log
// length, down followers alike, since a crash keeps the log, R-CRASH-3). A port that counts a down follower as
// holding nothing, or forgets its log at the crash, first diverges at the very step where the reference's
// leader commits thanks to that log; the hint names the step and the follower.
import { Cluster, decodeVerdict, hexToBytes } from "../../reference/index.js";
import { leaderOf, type HistoryClues, type HistoryHint } from "./history_clues.js";

/** R-COMMIT-1's candidate: the majority-th largest log length over all nodes, `counted` deciding each node's. */
function candidate(cluster: Cluster, counted: (n: Cluster["nodes"][number]) => number): number {
  const lengths = cluster.nodes.map(counted).sort((a, b) => b - a);
  return lengths[cluster.majority - 1] ?? 0;
}

/** The reference's cluster just before the divergence's step and just after it, when the leader diverged there. */
function aroundDivergence(c: HistoryClues): { cluster: Cluster; before: number; after: number } | null {
  const d = c.divergence;
  if (d === null || d.op.op === "snapshot" || !d.nodes.includes(c.scenario.cluster.leader)) return null;
  const cluster = new Cluster(c.scenario.cluster);
  for (let i = 0; i < d.step; i++) {
    const step = c.scenario.steps[i]!;
    if (step.op !== "snapshot") cluster.apply(step);
  }
  const before = leaderOf(cluster).commitIndex;
  cluster.apply(d.op);
  return { cluster, before, after: leaderOf(cluster).commitIndex };
}

export function downLogCommitHint(c: HistoryClues): HistoryHint | null {
  const around = aroundDivergence(c);
  if (around === null) return null;
  const { cluster, before, after } = around;
  const d = c.divergence!;
  const leader = c.scenario.cluster.leader;
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

/**
 * The other side: the port's leader (in its trace at the divergence's step) commits exactly what a majority
 * counting its isolated followers as holding the whole log would commit, more than the reference, and not what
 * a majority one node too small (ceil(N / 2)) would: the isolated followers received entries (R-ROUND-1).
 */
export function isolatedLogCommitHint(c: HistoryClues): HistoryHint | null {
  const around = aroundDivergence(c);
  const hex = c.divergedStates?.[c.scenario.cluster.leader - 1];
  if (around === null || hex === undefined || hex === null) return null;
  const port = decodeVerdict(hexToBytes(hex)).snapshot;
  if (port.broken !== null || port.lastIncludedIndex === undefined) return null;
  const { cluster, before, after } = around;
  const d = c.divergence!;
  const isolated = cluster.nodes.filter((n) => n.up && cluster.isolated.has(n.id));
  if (isolated.length === 0) return null;
  const full = leaderOf(cluster).logLength;
  const withIsolated = Math.max(before, candidate(cluster, (n) => (n.up && cluster.isolated.has(n.id) ? full : n.logLength)));
  const lengths = cluster.nodes.map((n) => n.logLength).sort((a, b) => b - a);
  const smallMajority = Math.max(before, lengths[Math.ceil(cluster.nodes.length / 2) - 1] ?? 0);
  const got = Number(port.lastIncludedIndex);
  if (got <= after || got !== withIsolated || got === smallMajority) return null;
  const ids = isolated.map((n) => n.id).join(", ");
  return {
    rule: "R-ROUND-1",
    line: `the leader, node ${c.scenario.cluster.leader}, first diverged at step ${d.step} (${d.op.op}), where it applied through entry ${got} instead of ${after}: exactly what a majority counting isolated follower${isolated.length > 1 ? "s" : ""} ${ids} as holding the whole log gives; an isolated follower receives nothing, its log stays as it was (R-ROUND-1)`,
  };
}
