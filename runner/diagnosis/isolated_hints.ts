// Hints for a node that is up and isolated at its snapshot (SPEC.md R-SNAP-2): its state is frozen there, in
// the state it was cut off in, or the one it restarted into (R-RESTART-2, R-SAVED-3). A port that shows
// another state there shows one of two states the scenario makes plain: the leader's (it rejoined, or took
// entries, while still in P) or, after a restart inside P, its own state from before the crash (the crash
// kept what it must lose, R-CRASH-3). Each names its rule only when the state is that one whole (pairs and
// last_included_index) and no other of them: the reference replays the scenario once, linear in its steps.
import { Cluster, bytesToHex, decodeVerdict, hexToBytes, nodeSnapshot, type SnapshotPair, type Step } from "../../reference/index.js";
import { leaderOf, type HistoryClues, type HistoryHint } from "./history_clues.js";

/** What a snapshot shows of a node's state: last_included_index (its last_applied, R-WIRE-3) and its pairs. */
const stateText = (s: { readonly lastIncludedIndex?: bigint; readonly pairs: readonly SnapshotPair[] }) =>
  `${s.lastIncludedIndex ?? "?"}|${s.pairs.map((p) => `${bytesToHex(p.keyBytes)}=${bytesToHex(p.value)}`).join(",")}`;

interface State {
  readonly lastIncludedIndex?: bigint;
  readonly pairs: readonly SnapshotPair[];
}

function decoded(bytes: Uint8Array): State | null {
  const s = decodeVerdict(bytes).snapshot;
  return s.broken === null ? { ...s, pairs: [...s.pairs] } : null;
}

const decodedState = (bytes: Uint8Array): string | null => {
  const s = decoded(bytes);
  return s && stateText(s);
};

/** `under`'s pairs with `over`'s written on top, in key byte order (hex order is byte order), at `over`'s index. */
function overlay(under: State, over: State): string {
  const pairs = new Map(under.pairs.map((p) => [bytesToHex(p.keyBytes), p]));
  for (const p of over.pairs) pairs.set(bytesToHex(p.keyBytes), p);
  const sorted = [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  return stateText({ ...over, pairs: sorted });
}

/** The reference's view of the snapshot's node X at the snapshot's step, when X is up and isolated there. */
interface Frozen {
  /** The step after which X has been up and isolated without a break, and that step. */
  readonly since: number;
  readonly op: Step;
  /** X's state just before its last crash, when `op` restarted it. */
  readonly beforeCrash: State | null;
  /** The leader's state just after step `since` (what a rejoin there would have copied) and at the snapshot's step. */
  readonly leader: readonly (string | null)[];
  /** Every saved snapshot any node holds just after step `since`: what a restore there, right or wrong, could show. */
  readonly saved: readonly (string | null)[];
}

function frozenAt(c: HistoryClues): Frozen | null {
  const x = c.snapshot.node;
  const cluster = new Cluster(c.scenario.cluster);
  const node = cluster.node(x);
  if (node === leaderOf(cluster)) return null;
  const frozen = () => node.up && cluster.isolated.has(x);
  let since = -1;
  let beforeCrash: State | null = null;
  let leaderThen: string | null = null;
  let saved: (string | null)[] = [];
  for (let i = 0; i < c.snapshot.step; i++) {
    const step = c.scenario.steps[i]!;
    if (step.op === "snapshot") continue;
    if (step.op === "crash" && step.node === x) beforeCrash = decoded(nodeSnapshot(node));
    const was = frozen();
    cluster.apply(step);
    if (!frozen()) since = -1;
    else if (!was) {
      since = i;
      leaderThen = decodedState(nodeSnapshot(leaderOf(cluster)));
      saved = cluster.nodes.flatMap((n) => (n.saved === null ? [] : [decodedState(n.saved)]));
    }
  }
  if (since < 0) return null;
  return { since, op: c.scenario.steps[since]!, beforeCrash, leader: [leaderThen, decodedState(nodeSnapshot(leaderOf(cluster)))], saved };
}

/**
 * The snapshot's node X is up and isolated, and the port shows it in the leader's state (the reference's
 * leader, or the port's own leader in its trace), or, restarted inside P, in the state it held before its
 * crash: it rejoined while still in P, or its crash kept the volatile state. Null when the evidence fits
 * both or neither.
 */
export function isolatedStateHint(c: HistoryClues): HistoryHint | null {
  if (c.actual === null) return null;
  const actual = stateText(c.actual);
  if (actual === stateText(c.expected)) return null;
  const f = frozenAt(c);
  if (f === null) return null;
  // A saved snapshot restored, or installed at the wrong moment and then restored, explains any state one holds.
  if (f.saved.includes(actual)) return null;
  const x = c.snapshot.node;
  const leader = c.scenario.cluster.leader;
  const portLeaderHex = c.portStates?.[leader - 1];
  const portLeader = portLeaderHex ? decodedState(hexToBytes(portLeaderHex)) : null;
  const asLeader = f.leader.includes(actual) || actual === portLeader;
  // The port agreed with the reference until the node was cut off, and first went wrong at that node then or later.
  const d = c.divergence;
  if (d === null || d.step < f.since || !d.nodes.includes(x)) return null;
  const restarted = f.op.op === "restart" && f.op.node === x;
  // A restart inside P is the last step that sets the node's state: a wrong state there shows first at it.
  if (restarted && d.step !== f.since) return null;
  const before = restarted ? f.beforeCrash : null;
  const asBeforeCrash = before !== null && actual === stateText(before);
  // Restored from its saved snapshot on top of the store it held before the crash: the restore did not start empty.
  const asRestoredOnKept = before !== null && !asBeforeCrash && c.expected.lastIncludedIndex !== 0n && actual === overlay(before, c.expected);
  const at = `node ${x}, up and in P since step ${f.since} (${f.op.op})`;
  if (asLeader && asBeforeCrash) {
    // The leader's state had not moved since the crash: the bytes cannot say whether the node rejoined or kept
    // its state, but either way its restart inside P did not come up empty or restored.
    return {
      rule: "R-RESTART-2",
      line: `${at}, shows at step ${c.snapshot.step} the state it held before its crash, which is also the leader's: a node restarted inside P comes up empty (or restored from its saved snapshot) and stays so until it leaves P (R-RESTART-2); it rejoined, or its crash kept the store (R-CRASH-3)`,
    };
  }
  // Neither state whole, or both (the leader's state is the restored-on-kept one): nothing plain to say.
  if (asLeader === (asBeforeCrash || asRestoredOnKept)) return null;
  if (asBeforeCrash) {
    return {
      rule: "R-CRASH-3",
      line: `${at}, shows at step ${c.snapshot.step} exactly the state it held before its crash: the crash kept the store and indices; a crash loses them, so a restart inside P comes up empty or restored from its saved snapshot (R-CRASH-3)`,
    };
  }
  if (asRestoredOnKept) {
    return {
      rule: "R-CRASH-3",
      line: `${at}, shows at step ${c.snapshot.step} its saved snapshot restored on top of the store it held before its crash: the crash kept the store; a crash loses it, so a restart restores the saved snapshot into an empty store (R-CRASH-3)`,
    };
  }
  if (restarted) {
    return {
      rule: "R-RESTART-2",
      line: `${at}, shows the leader's state at step ${c.snapshot.step}: it rejoined when it restarted, but a node restarted inside P stays empty (or restored from its saved snapshot) until it leaves P (R-RESTART-2)`,
    };
  }
  // Cut off by a partition: the first step at which the port's state diverged says how the leader's state came in.
  if (d.op.op === "partition") {
    return {
      rule: "R-PART-1",
      line: `${at}, shows the leader's state at step ${c.snapshot.step}, first at step ${d.step} (partition), which left it in P: only a follower that leaves P rejoins (R-PART-1)`,
    };
  }
  if (d.op.op === "put" || d.op.op === "delete" || d.op.op === "append" || d.op.op === "incr" || d.op.op === "cas") {
    return {
      rule: "R-ROUND-1",
      line: `${at}, shows the leader's state at step ${c.snapshot.step}, first at step ${d.step} (${d.op.op}): an isolated follower receives and applies nothing until it leaves P (R-ROUND-1)`,
    };
  }
  return null;
}
