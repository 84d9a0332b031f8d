// What the history hints read (history_hints.ts, isolated_hints.ts, commit_hints.ts) and what they give, in a
// module of its own so that the hint modules share the types without importing one another.
import { InternalError } from "../../common/errors.js";
import type { Cluster, NormalizedScenario, Step } from "../../reference/index.js";
import type { SnapshotWithPairs } from "./hints.js";

/** The first step where the port's state diverged (diagnose.ts's Divergence, which imports this module). */
export interface Divergence {
  readonly step: number;
  readonly op: Step;
  readonly nodes: readonly number[];
}

export interface HistoryClues {
  readonly scenario: NormalizedScenario;
  /** The diagnosed snapshot: the step of its `snapshot` op and its node. */
  readonly snapshot: { readonly step: number; readonly node: number };
  readonly divergence: Divergence | null;
  readonly expected: SnapshotWithPairs;
  /** Null when the actual bytes are not section 4's layout. */
  readonly actual: SnapshotWithPairs | null;
  /** The port's trace entry at the snapshot's step (every node's state after it, hex or null), when it sent one. */
  readonly portStates?: readonly (string | null)[];
  /** The port's trace entry at the divergence's step, when it sent one. */
  readonly divergedStates?: readonly (string | null)[];
}

/** A hint and the rule it names, which leads the failure's likely rules. */
export interface HistoryHint {
  readonly rule: string;
  readonly line: string;
}

/** The leader of a scenario without elections (the hints' only kind, historyHints): node L, up throughout. */
export function leaderOf(cluster: Cluster): ReturnType<Cluster["node"]> {
  const leader = cluster.defaultLeader();
  if (leader === null) throw new InternalError("a scenario without elections has no up leader");
  return leader;
}
