// An `elect` step (SPEC.md 3.4): R-ELECT-3, R-VOTE-1, R-VOTE-2 and R-ELECT-4. The caller gives the voters
// (the other up nodes of the candidate's side, R-SIDE-1) and runs the step's replication round afterwards.
import { appendEntry, atLeastAsUpToDate } from "./node_log.js";
import type { Node } from "./node.js";

/** R-TERM-1: a node that learns a higher term adopts it, forgets its vote and follows. */
export function adoptTerm(n: Node, term: number): void {
  n.currentTerm = term;
  n.votedFor = 0;
  n.role = "follower";
}

/** Returns whether the candidate won. */
export function elect(c: Node, voters: readonly Node[], majority: number): boolean {
  // R-ELECT-3
  c.currentTerm += 1;
  c.role = "candidate";
  c.votedFor = c.id;
  let votes = 1;
  let higherTerm = 0;
  for (const v of voters) {
    // R-VOTE-1.1: a voter of a higher term refuses and changes nothing.
    if (v.currentTerm > c.currentTerm) {
      higherTerm = Math.max(higherTerm, v.currentTerm);
      continue;
    }
    // R-VOTE-1.2: a lower term is adopted, and a leader or candidate of it steps down, win or lose.
    if (v.currentTerm < c.currentTerm) adoptTerm(v, c.currentTerm);
    // R-VOTE-1.3: one vote per term (voted_for persists across a crash), only for an up-to-date log.
    if ((v.votedFor === 0 || v.votedFor === c.id) && atLeastAsUpToDate(c, v)) {
      v.votedFor = c.id;
      votes++;
    }
  }
  // R-ELECT-4 (a): a higher term wins over any number of votes.
  if (higherTerm > 0) {
    adoptTerm(c, higherTerm);
    return false;
  }
  // R-ELECT-4 (c): a lost candidate stays one; nothing retries.
  if (votes < majority) return false;
  // R-ELECT-4 (b), R-NOOP-1: the no-op of the new term is what lets earlier terms' entries commit (R-COMMIT-4).
  c.role = "leader";
  appendEntry(c, null);
  c.termStart = c.logLength;
  return true;
}
