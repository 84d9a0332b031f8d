// The five safety properties of the Raft paper's Figure 3, asserted after a step (SPEC.md 3.4 says they
// follow from its rules; this checks that the reference's reading of the rules keeps them). Used by the
// reference's tests and the fuzzer; a violation is a bug in the kit, never in a scenario.
//
// Entries are immutable objects made once by the leader that appends them (node_log.ts), so "the same
// entry" is object identity, which is stricter than equal index and term.
import { invariant } from "./assert.js";
import type { Cluster, Node } from "./cluster.js";
import type { LogEntry } from "./log.js";

interface LeaderSeen {
  readonly term: number;
  readonly entries: LogEntry[];
  readonly length: number;
}

export class RaftSafety {
  /** Election Safety: who led each term. */
  private readonly leaderOf = new Map<number, number>();
  /** Leader Append-Only: each leader's log as last seen. */
  private readonly lastSeen = new Map<number, LeaderSeen>();
  /** The committed prefix: the longest log prefix any node has committed, and the term of its committer. */
  private committed: LogEntry[] = [];
  private committedLength = 0;
  private readonly commitTerm: number[] = [];

  observe(cluster: Cluster, step: number): void {
    const at = `after step ${step}`;
    for (const n of cluster.nodes) this.checkOwnLog(n, at);
    this.electionSafety(cluster, at);
    this.leaderAppendOnly(cluster, at);
    this.logMatching(cluster, at);
    this.recordCommits(cluster, at);
    this.leaderCompleteness(cluster, at);
    this.stateMachineSafety(cluster, at);
  }

  /** Every log is contiguous from 1, and terms never decrease along it. */
  private checkOwnLog(n: Node, at: string): void {
    for (let i = 1; i <= n.logLength; i++) {
      const e = n.entries[i - 1]!;
      invariant(e.index === i, `${at}: node ${n.id}'s entry ${i} has index ${e.index}`);
      invariant(i === 1 || n.entries[i - 2]!.term <= e.term, `${at}: node ${n.id}'s log has a term going down at ${i}`);
      invariant(e.term <= n.currentTerm, `${at}: node ${n.id} holds an entry of term ${e.term} above its current_term ${n.currentTerm}`);
    }
  }

  /** Figure 3, Election Safety: at most one leader can be elected in a given term. */
  private electionSafety(cluster: Cluster, at: string): void {
    for (const n of cluster.nodes) {
      if (!n.up || n.role !== "leader") continue;
      const other = this.leaderOf.get(n.currentTerm);
      invariant(other === undefined || other === n.id, `Election Safety ${at}: nodes ${other} and ${n.id} both led term ${n.currentTerm}`);
      this.leaderOf.set(n.currentTerm, n.id);
    }
  }

  /** Figure 3, Leader Append-Only: a leader never overwrites or deletes entries in its log. */
  private leaderAppendOnly(cluster: Cluster, at: string): void {
    for (const n of cluster.nodes) {
      const seen = this.lastSeen.get(n.id);
      const leading = n.up && n.role === "leader";
      if (leading && seen !== undefined && seen.term === n.currentTerm) {
        invariant(n.logLength >= seen.length, `Leader Append-Only ${at}: leader ${n.id}'s log shrank from ${seen.length} to ${n.logLength}`);
        invariant(seen.length === 0 || n.entries[seen.length - 1] === seen.entries[seen.length - 1], `Leader Append-Only ${at}: leader ${n.id} changed its entry ${seen.length}`);
      }
      if (leading) this.lastSeen.set(n.id, { term: n.currentTerm, entries: n.entries, length: n.logLength });
      else this.lastSeen.delete(n.id);
    }
  }

  /**
   * Figure 3, Log Matching: if two logs contain an entry with the same index and term, the logs are identical
   * in all entries up through that index. Checked on every pair of logs, down nodes' included.
   */
  private logMatching(cluster: Cluster, at: string): void {
    const nodes = cluster.nodes;
    for (let x = 0; x < nodes.length; x++) {
      for (let y = x + 1; y < nodes.length; y++) {
        const a = nodes[x]!;
        const b = nodes[y]!;
        if (a.entries === b.entries) continue; // one array: identical wherever both reach
        let i = Math.min(a.logLength, b.logLength);
        while (i > 0 && a.entries[i - 1]!.term !== b.entries[i - 1]!.term) i--;
        for (let j = i; j > 0; j--) {
          invariant(a.entries[j - 1] === b.entries[j - 1], `Log Matching ${at}: nodes ${a.id} and ${b.id} agree on the term at ${i} but differ at ${j}`);
        }
      }
    }
  }

  /** Extends the committed prefix with what any node has newly committed, which must extend it. */
  private recordCommits(cluster: Cluster, at: string): void {
    for (const n of cluster.nodes) {
      if (!n.up || n.commitIndex === 0) continue;
      const shared = Math.min(n.commitIndex, this.committedLength);
      invariant(shared === 0 || n.entries[shared - 1] === this.committed[shared - 1], `State Machine Safety ${at}: node ${n.id} committed another entry ${shared}`);
      if (n.commitIndex > this.committedLength) {
        for (let i = this.committedLength + 1; i <= n.commitIndex; i++) this.commitTerm[i] = n.currentTerm;
        this.committed = n.entries;
        this.committedLength = n.commitIndex;
      }
    }
  }

  /**
   * Figure 3, Leader Completeness: an entry committed in a term is in the log of every leader of a higher
   * term. By Log Matching it is enough to check the highest such entry.
   */
  private leaderCompleteness(cluster: Cluster, at: string): void {
    for (const n of cluster.nodes) {
      if (!n.up || n.role !== "leader") continue;
      let k = this.committedLength;
      while (k > 0 && this.commitTerm[k]! >= n.currentTerm) k--;
      if (k === 0) continue;
      invariant(n.logLength >= k && n.entries[k - 1] === this.committed[k - 1], `Leader Completeness ${at}: leader ${n.id} of term ${n.currentTerm} lacks committed entry ${k}`);
    }
  }

  /**
   * Figure 3, State Machine Safety: no two nodes apply different entries at one index. Every applied entry is
   * the committed one at that index (so every store is the replay of one log).
   */
  private stateMachineSafety(cluster: Cluster, at: string): void {
    for (const n of cluster.nodes) {
      if (!n.up || n.lastApplied === 0) continue;
      invariant(n.lastApplied <= this.committedLength, `State Machine Safety ${at}: node ${n.id} applied ${n.lastApplied}, past everything committed`);
      invariant(n.entries[n.lastApplied - 1] === this.committed[n.lastApplied - 1], `State Machine Safety ${at}: node ${n.id} applied another entry ${n.lastApplied}`);
    }
  }
}
