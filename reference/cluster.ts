// The cluster (SPEC.md sections 1-3): nodes that may be isolated or down, elections at `elect` steps
// (3.4), and one replication round after every step but snapshot, run on each side of the partition.
// Without `elect` the initial leader leads term 1 forever and this is sections 3.1 and 3.2 exactly.
import { invariant } from "./assert.js";
import type { Command } from "./log.js";
import { bytesToHex } from "./bytes.js";
import { decodeVerdict, keyString } from "./decode.js";
import { adoptTerm, elect } from "./election.js";
import { appendEntry, lastLogTerm, termAt } from "./node_log.js";
import type { Node } from "./node.js";
import { encodeSnapshot, snapshotFields } from "./snapshot.js";
import { applyCommand } from "./state_machine.js";
import { KeyTable, Store } from "./store.js";
import type { NormalizedScenario, Step } from "./types/normalized.gen.js";
import type { RaftState } from "./types/protocol.gen.js";

export type { Node, Role } from "./node.js";

/** A node's snapshot of its current state (section 4, R-WIRE-9; R-SAVED-4: never its saved bytes). */
export function nodeSnapshot(node: Node): Uint8Array {
  return encodeSnapshot(snapshotFields(node.currentTerm, node.lastApplied, termAt(node, node.lastApplied), node.store.sorted()));
}

/** R-TRACE-1: what a trace shows of a node besides its snapshot; null while it is down. */
export function raftState(node: Node): RaftState | null {
  if (!node.up) return null;
  return { role: node.role, voted_for: node.votedFor === 0 ? null : node.votedFor, log_length: node.logLength, last_log_term: lastLogTerm(node) };
}

export class Cluster {
  readonly nodes: Node[];
  private readonly keys = new KeyTable();
  /** R-CLUSTER-4, R-SIDE-1: the isolated set P, one side of the network. */
  isolated = new Set<number>();
  /** R-ELECT-1: without `elect` node L may be neither crashed nor isolated; set to trip on a scenario that does. */
  private readonly fixedLeader: number;

  /** `fixedLeader`: the scenario does not need `elect`, so R-CRASH-1 and R-PART-2 hold (an invalid one throws). */
  constructor(cluster: NormalizedScenario["cluster"], options: { fixedLeader?: boolean } = {}) {
    this.fixedLeader = options.fixedLeader ? cluster.leader : 0;
    // R-CLUSTER-3, R-TERM-1: every node starts up, empty, at term 1; node L leads term 1.
    const entries: never[] = [];
    this.nodes = Array.from({ length: cluster.nodes }, (_, i) => ({
      id: i + 1,
      up: true,
      role: i + 1 === cluster.leader ? ("leader" as const) : ("follower" as const),
      currentTerm: 1,
      votedFor: 0,
      termStart: 1,
      entries,
      logLength: 0,
      commitIndex: 0,
      lastApplied: 0,
      store: new Store(this.keys),
      saved: null,
      savedIndex: 0,
      savedTerm: 0,
    }));
  }

  node(id: number): Node {
    const node = this.nodes[id - 1];
    invariant(node !== undefined, `node ${id} does not exist`);
    return node;
  }

  /** R-ROUTE-1: the up leader of the highest term (Election Safety leaves no tie), or null. */
  defaultLeader(): Node | null {
    let best: Node | null = null;
    for (const n of this.nodes) if (n.up && n.role === "leader" && (best === null || n.currentTerm > best.currentTerm)) best = n;
    return best;
  }

  /** R-SIDE-1: the up nodes on one side of the partition. */
  private side(inP: boolean): Node[] {
    return this.nodes.filter((n) => n.up && this.isolated.has(n.id) === inP);
  }

  /** R-CLUSTER-5: floor(N / 2) + 1 over all N nodes. */
  get majority(): number {
    return Math.floor(this.nodes.length / 2) + 1;
  }

  /** Applies one step that is not a snapshot, then one replication round. */
  apply(step: Exclude<Step, { op: "snapshot" }>): void {
    switch (step.op) {
      case "put":
      case "delete":
      case "append":
      case "incr":
      case "cas":
        this.propose(step);
        break;
      default:
        this.applyEvent(step);
    }
    this.replicationRound();
  }

  /** R-LOG-3, R-ROUTE-1: the leader it reaches appends; stores change only when the entry is applied. */
  private propose(command: Command): void {
    const to = command.via === undefined ? this.defaultLeader() : this.node(command.via);
    // R-ROUTE-1: dropped, visibly only in what later snapshots lack.
    if (to === null || !to.up || to.role !== "leader") return;
    appendEntry(to, command);
  }

  private applyEvent(step: Exclude<Step, { op: "snapshot" | Command["op"] }>): void {
    switch (step.op) {
      case "partition":
        // R-PART-1: P is replaced, not extended.
        invariant(!step.nodes.includes(this.fixedLeader), `isolating the leader should have been rejected (R-PART-2)`);
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
      case "elect": {
        // R-VOTE-1: the request reaches the other up nodes of the candidate's side, nobody else.
        const c = this.node(step.node);
        elect(c, this.side(this.isolated.has(c.id)).filter((v) => v !== c), this.majority);
        break;
      }
    }
  }

  /** R-CRASH-3, R-CRASH-4: the log, current_term and voted_for survive; role, store and both indices do not. */
  private crash(f: Node): void {
    invariant(f.up && f.id !== this.fixedLeader, `crash of node ${f.id} should have been rejected`);
    f.up = false;
    f.role = "follower";
    f.store = new Store(this.keys);
    f.commitIndex = 0;
    f.lastApplied = 0;
  }

  /**
   * R-RESTART-2: up again as a follower, empty, indices 0; R-SAVED-3: or restored from its saved snapshot,
   * decoded once. The round of this step brings it in if its side has a leader (R-PART-4).
   */
  private restart(f: Node): void {
    invariant(!f.up, `restart of node ${f.id}, which is up, should have been rejected`);
    f.up = true;
    f.role = "follower";
    f.store = new Store(this.keys);
    f.commitIndex = 0;
    f.lastApplied = 0;
    if (f.saved === null) return;
    // Without `elect` a restored state is seen only inside P (R-SAVED-3): outside it the node is brought in
    // by L in this step's round, whose store replaces it (L's commit index is at least saved_index), so the
    // decoding is skipped. With `elect` its side may have no leader, or one further behind.
    if (this.fixedLeader !== 0 && !this.isolated.has(f.id)) return;
    // What was read, not the verdict: a node restores the bytes it wrote itself, as a port does, and a broken
    // variant of the reference (selftest/mutation, the broken ports) that wrote its keys out of order must too.
    const saved = decodeVerdict(f.saved).snapshot;
    invariant(saved.broken === null, `node ${f.id}'s saved snapshot is not section 4's layout: ${saved.broken?.message}`);
    for (const p of saved.pairs) f.store.set(keyString(p.keyBytes), bytesToHex(p.value));
    f.commitIndex = f.lastApplied = f.savedIndex;
  }

  /**
   * R-COMPACT-2: saved := the bytes a snapshot step would emit now; entries 1..last_applied are discarded.
   * Entries are shared between nodes and immutable, so discarding is the index alone: no entry at or below
   * savedIndex is read for this node again, except its term at savedIndex, which savedTerm also keeps.
   */
  private compact(n: Node): void {
    invariant(n.up, `compact of node ${n.id}, which is down, should have been rejected`);
    n.saved = nodeSnapshot(n);
    n.savedIndex = n.lastApplied;
    n.savedTerm = termAt(n, n.lastApplied);
  }

  /** R-ROUND-2, on each side on its own. */
  private replicationRound(): void {
    this.roundOnSide(this.side(false));
    if (this.isolated.size > 0) this.roundOnSide(this.side(true));
    this.checkInvariants();
  }

  private roundOnSide(members: Node[]): void {
    // R-ROUND-2.1: a leader meeting a higher term on its side steps down to it.
    let top = 0;
    for (const n of members) top = Math.max(top, n.currentTerm);
    for (const n of members) if (n.role === "leader" && n.currentTerm < top) adoptTerm(n, top);
    // R-ROUND-2.2: a side without a leader changes nothing.
    const ld = members.find((n) => n.role === "leader");
    if (ld === undefined) return;
    // R-ROUND-2.3, ascending id.
    for (const f of members) if (f !== ld) this.bringIn(f, ld);
    // R-ROUND-2.4, R-COMMIT-2: the commit index never goes back.
    ld.commitIndex = Math.max(ld.commitIndex, this.commitCandidate(ld));
    this.applyCommitted(ld);
    // R-ROUND-2.5, R-COMMIT-3: a follower's commit index never goes back either.
    for (const f of members) {
      if (f === ld) continue;
      f.commitIndex = Math.max(f.commitIndex, ld.commitIndex);
      this.applyCommitted(f);
    }
  }

  /**
   * R-ROUND-2.3 (R-REJOIN-2 without `elect`): f takes ld's term, log and, when behind, ld's store. ld has
   * applied exactly through its commit index at the start of every round (R-APPLY-1) and nothing changes its
   * store in between, so its store *is* the replay R-REJOIN-2 describes: copying it is linear in the store,
   * not in the log.
   */
  private bringIn(f: Node, ld: Node): void {
    if (f.currentTerm < ld.currentTerm) adoptTerm(f, ld.currentTerm);
    f.role = "follower";
    // R-INSTALL-4 (R-INSTALL-1 without `elect`): decided on f's log before anything is copied.
    const s = ld.savedIndex;
    if (ld.saved !== null && s > f.savedIndex && !(f.logLength >= s && termAt(f, s) === ld.savedTerm)) {
      f.saved = ld.saved;
      f.savedIndex = s;
      f.savedTerm = ld.savedTerm;
    }
    // R-TRUNC-1: f's log becomes ld's; the entries it loses were never committed (checked below).
    invariant(f.commitIndex <= ld.logLength && termAt(f, f.commitIndex) === termAt(ld, f.commitIndex), `node ${f.id} would lose committed entries`);
    f.entries = ld.entries;
    f.logLength = ld.logLength;
    if (f.lastApplied < ld.commitIndex) {
      invariant(ld.lastApplied === ld.commitIndex, "the leader has unapplied committed entries");
      f.store = ld.store.clone();
      f.commitIndex = ld.commitIndex;
      f.lastApplied = ld.commitIndex;
    }
  }

  /**
   * R-COMMIT-4 (R-COMMIT-1 without `elect`): the largest n at which ld's entry is of its term and a majority
   * of all N nodes (down, isolated or not) hold an entry of that term above their discarded prefix. Only
   * indices above ld's commit index matter (R-COMMIT-2), and ld's entries of its term start at termStart.
   */
  private commitCandidate(ld: Node): number {
    const lo = Math.max(ld.commitIndex + 1, ld.termStart);
    if (ld.logLength < lo) return 0;
    // For each node, the highest index in lo..ld.logLength at which it holds an entry of ld's term: terms
    // never decrease along a log, and an entry of ld's term is ld's own (Election Safety), so it holds every
    // index from lo up to there, except those it discarded.
    const held: number[] = [];
    for (const n of this.nodes) {
      let h = Math.min(n.logLength, ld.logLength);
      if (n.entries !== ld.entries) while (h >= lo && termAt(n, h) !== ld.currentTerm) h--;
      if (h >= lo) held.push(h);
    }
    if (held.length < this.majority) return 0;
    held.sort((a, b) => b - a);
    for (let n = held[this.majority - 1]!; n >= lo; n--) {
      let count = 0;
      for (const m of this.nodes) if (m.savedIndex < n && m.logLength >= n && termAt(m, n) === ld.currentTerm) count++;
      if (count >= this.majority) return n;
    }
    return 0;
  }

  private applyCommitted(n: Node): void {
    invariant(n.commitIndex <= n.logLength, `node ${n.id} commits past the end of its log`);
    while (n.lastApplied < n.commitIndex) {
      const entry = n.entries[n.lastApplied]!;
      // R-NOOP-1: a no-op changes no store but is applied like any entry.
      if (entry.command !== null) applyCommand(n.store, entry.command);
      n.lastApplied = entry.index;
    }
  }

  private checkInvariants(): void {
    for (const n of this.nodes) {
      invariant(n.logLength <= n.entries.length, `node ${n.id}'s log is longer than its entries`);
      invariant(n.lastApplied <= n.commitIndex, `node ${n.id} applied past its commit index`);
      invariant(n.savedIndex <= n.logLength, `node ${n.id} discarded entries it does not hold`);
      invariant(!n.up || n.lastApplied >= n.savedIndex, `node ${n.id} would apply entries it discarded`);
      invariant(n.savedTerm === termAt(n, n.savedIndex), `node ${n.id}'s saved term is not its entry's`);
    }
  }
}
