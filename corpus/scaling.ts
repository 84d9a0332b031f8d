// Scenarios of any length for the scaling benchmark, the linear-time guard and the scale check: mixed ops
// over 10^4 keys, a partition change or crash/restart every `eventEvery` steps (1,000 by default), a
// snapshot every 10,000 and, when `compactEvery` is set, a compaction (SPEC.md 3.3) of the leader or an up
// follower in turn every `compactEvery` steps, so restarts restore saved snapshots and rejoins install the
// leader's, and, when `electEvery` is set, an election (SPEC.md 3.4) every `electEvery` steps, of each node in
// turn, so leaders change, a leader isolated by a partition change keeps appending until it is brought in,
// and a crashed node may have been the leader. Deterministic.
import type { NormalizedScenario, Step } from "../reference/index.js";
import { xorshift32 } from "./xorshift.js";

/**
 * The benchmark's and the linear-time guard's compaction interval: 50 compactions in 10^6 steps, alternately
 * the leader's and a follower's, so restores inside P and installs happen throughout. Each costs the store
 * (a snapshot's encoding), like the snapshot step every 10,000.
 */
export const BENCH_COMPACT_EVERY = 20_000;

/** The benchmark's election interval: 100 elections in 10^6 steps (issue 24). */
export const BENCH_ELECT_EVERY = 10_000;

export function scalingScenario(steps: number, seed = 1, eventEvery = 1000, keys = 10_000, compactEvery = 0, electEvery = 0): NormalizedScenario {
  const r = xorshift32(seed);
  const nodes = 5;
  const leader = 1;
  let crashed = 0; // the follower that is down, or 0
  let compactions = 0;
  let elections = 0;
  const out: Step[] = [];
  for (let i = 0; out.length < steps - 1; i++) {
    const key = `key-${r(keys)}`;
    if (i % 10_000 === 9_999) {
      out.push({ op: "snapshot", nodes: [leader] });
    } else if (electEvery > 0 && i % electEvery === electEvery >> 2) {
      // Each node in turn (R-ELECT-2: never a down node; node 1 never crashes). Node 1 is always up, so the
      // snapshots stay valid whoever leads.
      const node = 1 + (elections++ % nodes);
      out.push({ op: "elect", node: node === crashed ? leader : node });
    } else if (compactEvery > 0 && i % compactEvery === compactEvery >> 1) {
      // The leader and a follower that is up, in turn (R-COMPACT-1: never a down node).
      const follower = 2 + r(4);
      out.push({ op: "compact", node: compactions++ % 2 === 0 || follower === crashed ? leader : follower });
    } else if (i % eventEvery === eventEvery - 1) {
      // Alternate partition changes and crash/restart, so rejoins happen throughout the run.
      if (Math.floor(i / eventEvery) % 2 === 0) out.push({ op: "partition", nodes: r(2) === 0 ? [] : [2 + r(4)] });
      else if (crashed === 0) out.push({ op: "crash", node: (crashed = 2 + r(4)) });
      else {
        out.push({ op: "restart", node: crashed });
        crashed = 0;
      }
    } else {
      const roll = r(10);
      if (roll < 4) out.push({ op: "put", key, value: (r(1 << 30) >>> 0).toString(16).padStart(8, "0") });
      else if (roll < 5) out.push({ op: "delete", key });
      else if (roll < 7) out.push({ op: "append", key, value: "ab" });
      else if (roll < 9) out.push({ op: "incr", key, delta: String(r(1000)) });
      else out.push({ op: "cas", key, expected: null, value: "00" });
    }
  }
  out.push({ op: "snapshot", nodes: [leader] });
  return { cluster: { nodes, leader }, steps: out as [Step, ...Step[]] };
}
