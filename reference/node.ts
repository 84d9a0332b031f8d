// A node's state (SPEC.md R-TERM-1, R-CLUSTER-3, R-SAVED-1): what cluster.ts and election.ts change.
import type { NodeLog } from "./node_log.js";
import type { Store } from "./store.js";

export type Role = "leader" | "candidate" | "follower";

export interface Node extends NodeLog {
  readonly id: number;
  up: boolean;
  /** R-TERM-1: volatile; a crashed node comes back a follower. */
  role: Role;
  /** R-TERM-1: persistent, like currentTerm and the log; 0 is none. */
  votedFor: number;
  /** While a leader: the index of the first entry of its term (its no-op; 1 for the initial leader). */
  termStart: number;
  commitIndex: number;
  lastApplied: number;
  store: Store;
  /**
   * R-SAVED-1: the saved snapshot's bytes, or null. Installs share the leader's bytes (R-INSTALL-1), which
   * are never mutated, so an install copies a reference, not the snapshot.
   */
  saved: Uint8Array | null;
  /** R-SAVED-1: saved_index, the length of the discarded prefix of this node's log (0 with no saved snapshot). */
  savedIndex: number;
  /** R-LOG-4: the saved snapshot's last_included_term, the term of the entry at savedIndex. */
  savedTerm: number;
}
