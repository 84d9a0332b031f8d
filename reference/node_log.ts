// A node's log (R-LOG-1, R-SAVED-1, R-LOG-4) as a length into an entry array that several nodes share.
// R-TRUNC-1 makes a follower's log equal to its leader's, which is then one assignment, not a copy: a
// round costs the same however long the logs are (R-PROTO-12). Entries are immutable, so a node may share
// an array whose tail beyond its own length is another node's; it copies its prefix before appending there.
import type { Command, LogEntry } from "./log.js";

export interface NodeLog {
  /** The node's entry at index i (1-based) is entries[i - 1], for i <= logLength; the array may be longer. */
  entries: LogEntry[];
  /** The logical length (R-SAVED-1): discarded entries included. */
  logLength: number;
  currentTerm: number;
}

/** R-LOG-4: the term of the node's entry at index i, 0 for index 0. */
export function termAt(log: NodeLog, i: number): number {
  return i === 0 ? 0 : log.entries[i - 1]!.term;
}

/** R-LOG-4: the last entry's term, 0 for an empty log. */
export function lastLogTerm(log: NodeLog): number {
  return termAt(log, log.logLength);
}

/** R-LOG-3, R-NOOP-1: appends an entry of the node's current term; `null` is the no-op. */
export function appendEntry(log: NodeLog, command: Command | null): void {
  // Copy on write: the array's tail beyond this log belongs to another node's (longer, diverged) log.
  if (log.entries.length !== log.logLength) log.entries = log.entries.slice(0, log.logLength);
  log.entries.push({ index: log.logLength + 1, term: log.currentTerm, command });
  log.logLength++;
}

/** R-VOTE-2 (Raft 5.4.1): the last entry's term first, then the length. */
export function atLeastAsUpToDate(candidate: NodeLog, voter: NodeLog): boolean {
  const c = lastLogTerm(candidate);
  const v = lastLogTerm(voter);
  return c > v || (c === v && candidate.logLength >= voter.logLength);
}
