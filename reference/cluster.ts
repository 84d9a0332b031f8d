// The cluster (SPEC.md sections 1-3): a fixed leader, followers that may be isolated or down,
// rejoin by one-shot snapshot push, and one replication round after every step but snapshot.
import { invariant } from "./assert.js";
import type { Command, LogEntry } from "./log.js";
import { bytesToHex } from "./bytes.js";
import { decodeVerdict, keyString } from "./decode.js";
import { encodeSnapshot, snapshotFields } from "./snapshot.js";
import { applyCommand } from "./state_machine.js";
import { KeyTable, Store } from "./store.js";
import type { NormalizedScenario, Step } from "./types/normalized.gen.js";

export interface Node {
  readonly id: number;
  up: boolean;
  /**
   * R-LOG-2: every follower's log is a prefix of the leader's, so a node's log is the first `logLength`
   * entries of the one leader log. Replicating is then an assignment, not a copy.
   */
  logLength: number;
  /** R-CLUSTER-3: always 1, kept because the snapshot format carries it (R-WIRE-2). */
  readonly currentTerm: 1;
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
}

/** A node's snapshot of its current state (section 4; R-SAVED-4: never its saved bytes). */
export function nodeSnapshot(node: Node): Uint8Array {
  return encodeSnapshot(snapshotFields(node.currentTerm, node.lastApplied, node.store.sorted()));
}

export class Cluster {
  readonly nodes: Node[];
  readonly leader: Node;
  readonly followers: Node[];
  /** The leader's log; entry i (1-based) is log[i - 1]. */
  readonly log: LogEntry[] = [];
  private readonly keys = new KeyTable();
  /** R-CLUSTER-4: the isolated set P. */
  isolated = new Set<number>();

  constructor(cluster: NormalizedScenario["cluster"]) {
    // R-CLUSTER-3: every node starts up, empty, at term 1.
    this.nodes = Array.from({ length: cluster.nodes }, (_, i) => ({
      id: i + 1,
      up: true,
      logLength: 0,
      currentTerm: 1 as const,
      commitIndex: 0,
      lastApplied: 0,
      store: new Store(this.keys),
      saved: null,
      savedIndex: 0,
    }));
    this.leader = this.node(cluster.leader);
    this.followers = this.nodes.filter((n) => n !== this.leader);
  }

  node(id: number): Node {
    const node = this.nodes[id - 1];
    invariant(node !== undefined, `node ${id} does not exist`);
    return node;
  }

  /** R-CLUSTER-4: up and not isolated. */
  isReachable(f: Node): boolean {
    return f.up && !this.isolated.has(f.id);
  }

  /** R-CLUSTER-5: floor(N / 2) + 1 over all N nodes. */
  get majority(): number {
    return Math.floor(this.nodes.length / 2) + 1;
  }

  /** Applies one step that is not a snapshot, then the rejoins it causes, then one replication round. */
  apply(step: Exclude<Step, { op: "snapshot" }>): void {
    switch (step.op) {
      case "put":
      case "delete":
      case "append":
      case "incr":
      case "cas":
        // R-LOG-3: the leader appends; stores change only when the entry is applied. Nobody rejoins.
        this.log.push({ index: this.log.length + 1, term: 1, command: step });
        this.leader.logLength = this.log.length;
        break;
      default:
        this.applyEvent(step);
    }
    this.replicationRound();
  }

  private applyEvent(step: Exclude<Step, { op: "snapshot" | Command["op"] }>): void {
    const reachableBefore = this.followers.filter((f) => this.isReachable(f));
    switch (step.op) {
      case "partition":
        // R-PART-1: P is replaced, not extended.
        this.isolated = new Set(step.nodes);
        break;
      case "crash":
        this.crash(this.node(step.node));
        break;
      case "restart":
        this.restart(this.node(step.node));
        break;
      case "heal":
        // R-HEAL-1: lift the partition and bring every down node up.
        this.isolated = new Set();
        for (const n of this.nodes) if (!n.up) this.restart(n);
        break;
      case "compact":
        this.compact(this.node(step.node));
        break;
    }
    // R-PART-1, R-RESTART-2, R-HEAL-1, R-REJOIN-1: followers that became reachable rejoin, ascending id.
    for (const f of this.followers) {
      if (this.isReachable(f) && !reachableBefore.includes(f)) this.rejoin(f);
    }
  }

  /** R-CRASH-3: the log and current_term survive; the store and both indices do not. */
  private crash(f: Node): void {
    invariant(f !== this.leader && f.up, `crash of node ${f.id} should have been rejected`);
    f.up = false;
    f.store = new Store(this.keys);
    f.commitIndex = 0;
    f.lastApplied = 0;
  }

  /**
   * R-RESTART-2: up again, empty, indices 0; R-SAVED-3: or restored from its saved snapshot, decoded once.
   * It rejoins (in `apply`) only if it is not isolated.
   */
  private restart(f: Node): void {
    invariant(!f.up, `restart of node ${f.id}, which is up, should have been rejected`);
    f.up = true;
    f.store = new Store(this.keys);
    f.commitIndex = 0;
    f.lastApplied = 0;
    // Only inside P is a restored state seen (R-SAVED-3): outside it the node rejoins now; heal empties P first.
    if (f.saved === null || !this.isolated.has(f.id)) return;
    // What was read, not the verdict: a node restores the bytes it wrote itself, as a port does, and a broken
    // variant of the reference (selftest/mutation, the broken ports) that wrote its keys out of order must too.
    const saved = decodeVerdict(f.saved).snapshot;
    invariant(saved.broken === null, `node ${f.id}'s saved snapshot is not section 4's layout: ${saved.broken?.message}`);
    for (const p of saved.pairs) f.store.set(keyString(p.keyBytes), bytesToHex(p.value));
    f.commitIndex = f.lastApplied = f.savedIndex;
  }

  /**
   * R-COMPACT-2: saved := the bytes a snapshot step would emit now; entries 1..last_applied are discarded.
   * The reference keeps one leader log that every node's log is a prefix of, so discarding is the index
   * alone: no entry at or below savedIndex is ever read for this node again (checkInvariants).
   */
  private compact(n: Node): void {
    invariant(n.up, `compact of node ${n.id}, which is down, should have been rejected`);
    n.saved = nodeSnapshot(n);
    n.savedIndex = n.lastApplied;
  }

  /**
   * R-REJOIN-2: f.log := leader.log; f.store := replay of leader.log[1..commit_index]; both indices :=
   * leader.commit_index. The leader has applied exactly through its commit index at the end of every round
   * (R-APPLY-1) and nothing changes its store in between, so its store *is* that replay: copying it gives
   * the same bytes in time linear in the store, not in the log.
   */
  private rejoin(f: Node): void {
    invariant(this.leader.lastApplied === this.leader.commitIndex, "the leader has unapplied committed entries");
    // R-INSTALL-1..3: decided now, on f's log length, before anything is copied and before the round.
    if (f.logLength < this.leader.savedIndex) {
      f.saved = this.leader.saved;
      f.savedIndex = this.leader.savedIndex;
    }
    f.logLength = this.log.length;
    f.store = this.leader.store.clone();
    f.commitIndex = this.leader.commitIndex;
    f.lastApplied = this.leader.commitIndex;
  }

  /** SPEC.md section 3.2. */
  private replicationRound(): void {
    // R-ROUND-1: reachable followers receive what they miss; nobody else receives anything.
    for (const f of this.followers) if (this.isReachable(f)) f.logLength = this.log.length;

    // R-COMMIT-1: the largest n held by a majority of all N nodes, counting isolated and down followers.
    const lengths = this.nodes.map((n) => n.logLength).sort((a, b) => b - a);
    const candidate = lengths[this.majority - 1] ?? 0;
    // R-COMMIT-2: the commit index never goes back.
    this.leader.commitIndex = Math.max(this.leader.commitIndex, candidate);

    // R-APPLY-1: the leader first, then (R-COMMIT-3) every reachable follower follows its commit index.
    this.applyCommitted(this.leader);
    for (const f of this.followers) {
      if (!this.isReachable(f)) continue;
      f.commitIndex = this.leader.commitIndex;
      this.applyCommitted(f);
    }
    this.checkInvariants();
  }

  private applyCommitted(n: Node): void {
    invariant(n.commitIndex <= n.logLength, `node ${n.id} commits past the end of its log`);
    while (n.lastApplied < n.commitIndex) {
      const entry = this.log[n.lastApplied]!;
      applyCommand(n.store, entry.command);
      n.lastApplied = entry.index;
    }
  }

  private checkInvariants(): void {
    for (const n of this.nodes) {
      invariant(n.logLength <= this.log.length, `node ${n.id}'s log is not a prefix of the leader's`);
      invariant(n.lastApplied <= n.commitIndex, `node ${n.id} applied past its commit index`);
      invariant(n.savedIndex <= n.logLength, `node ${n.id} discarded entries it does not hold`);
      invariant(!n.up || n.lastApplied >= n.savedIndex, `node ${n.id} would apply entries it discarded`);
    }
  }
}
