// Hints read from the scenario's history as well as the bytes (issue 23): causes whose symptom points away
// from them. A value applied twice shows as a wrong value (R-APPEND-1, R-INCR-1 by the field), though the
// cause is a store shared at a rejoin or an entry applied again; a compaction boundary off by one changes no
// byte at the `compact` step and shows only at a later restart or heal. Each hint fires only when the
// evidence is plain, names its rule, and that rule goes first among the failure's likely rules
// (diagnose.ts). Every check is linear in the scenario or the snapshot.
import { Cluster, bytesToHex, decodeVerdict, hexToBytes, requiredFeatures, type NormalizedScenario, type SnapshotPair, type Step } from "../../reference/index.js";
import type { Divergence, HistoryClues, HistoryHint } from "./history_clues.js";
import { keyText } from "./hints.js";
import { downLogCommitHint, isolatedLogCommitHint } from "./commit_hints.js";
import { isolatedStateHint } from "./isolated_hints.js";

export type { Divergence, HistoryClues, HistoryHint } from "./history_clues.js";

const U64 = 1n << 64n;
const utf8 = new TextDecoder();

/** The step applied once more to `value` (hex), as R-APPEND-1 and R-INCR-1/2 apply it; null for a value R-INCR-3 leaves alone. */
function appliedAgain(step: Extract<Step, { op: "append" | "incr" }>, value: string): string | null {
  if (step.op === "append") return value + step.value;
  if (value.length !== 16) return null;
  return ((BigInt(`0x${value}`) + BigInt(step.delta)) % U64).toString(16).padStart(16, "0");
}

/**
 * A value that is the expected one with the key's last append or incr applied again, once or up to once per
 * other node: the entry reached the store more than once. After a rejoin the likeliest cause is a store shared with the leader (a rejoin that assigns the
 * leader's store instead of copying it, so each later entry is applied once per node sharing it: R-REJOIN-2);
 * without one, an entry applied again (R-APPLY-1: entries last_applied + 1 .. commit_index, each once).
 */
export function appliedTwiceHint(c: HistoryClues): HistoryHint | null {
  const a = c.actual;
  const e = c.expected;
  if (a === null || a.pairs.length !== e.pairs.length) return null;
  let hit: { key: Uint8Array; step: Extract<Step, { op: "append" | "incr" }>; at: number; times: number; more: number } | null = null;
  for (let i = 0; i < e.pairs.length; i++) {
    const ep: SnapshotPair = e.pairs[i]!;
    const ap: SnapshotPair = a.pairs[i]!;
    if (bytesToHex(ep.keyBytes) !== bytesToHex(ap.keyBytes)) return null;
    const want = bytesToHex(ep.value);
    const got = bytesToHex(ap.value);
    if (want === got) continue;
    const key = utf8.decode(ep.keyBytes);
    // The key's last append or incr; and, since increments commute, any earlier incr on it since the last put,
    // delete or cas (an entry applied again when the next commits need not be the key's last).
    const candidates: number[] = [];
    for (let s = c.snapshot.step - 1; s >= 0; s--) {
      const step = c.scenario.steps[s]!;
      if (!("key" in step) || step.key !== key) continue;
      if (step.op === "incr" || (step.op === "append" && candidates.length === 0)) candidates.push(s);
      // A put, delete or cas sets the value anew, and an append after an incr leaves the incr no longer commuting.
      else break;
    }
    let at = -1;
    let times = 0;
    for (const s of candidates) {
      const step = c.scenario.steps[s] as Extract<Step, { op: "append" | "incr" }>;
      // Twice (an entry applied again), or once per node sharing one store: up to N times in all.
      for (let k = 1, v: string | null = want; k < Math.max(2, c.scenario.cluster.nodes) && v !== null && times === 0; k++) {
        v = appliedAgain(step, v);
        if (v === got) times = k + 1;
      }
      if (times > 0) {
        at = s;
        break;
      }
    }
    // Any other difference makes the evidence ambiguous: say nothing.
    if (times === 0) return null;
    const step = c.scenario.steps[at] as Extract<Step, { op: "append" | "incr" }>;
    if (hit === null) hit = { key: ep.keyBytes, step, at, times, more: 0 };
    else hit.more++;
  }
  if (hit === null) return null;
  // Restart, heal and a partition that lets a node out of P are the steps that rejoin. With the port's trace, a
  // shared store shows only in the leader and followers that rejoined; a node that never rejoined diverging
  // with them, or the leader alone, had the entry applied again by itself.
  const onlyRejoined = c.divergence === null ? null : divergedOnlyWithRejoined(c.scenario, c.divergence);
  const rejoin = onlyRejoined ?? c.scenario.steps.slice(0, hit.at).some((s) => s.op === "restart" || s.op === "heal" || s.op === "partition");
  const more = hit.more > 0 ? ` (and ${hit.more} more value${hit.more > 1 ? "s" : ""} like it)` : "";
  const what = `value of ${keyText(hit.key)} is the expected value with step ${hit.at}'s ${hit.step.op} applied ${hit.times === 2 ? "twice" : `${hit.times} times`}${more}`;
  if (rejoin) {
    return {
      rule: "R-REJOIN-2",
      line: `${what}, after a rejoin: does the rejoined node share the leader's store (aliasing) instead of a copy, so that each later entry is applied once per node sharing it? A rejoin copies the leader's log and applies its committed entries to an empty store of its own (R-REJOIN-2)${onlyRejoined === true ? "" : "; or an entry is applied twice (R-APPLY-1)"}`,
    };
  }
  const d = c.divergence;
  const who = d === null ? "" : d.nodes.length === 1 ? `node ${d.nodes[0]} diverged alone` : `nodes ${d.nodes.join(", ")} diverged together, not only the leader and followers that rejoined`;
  const where = onlyRejoined === false && d !== null ? `, and at step ${d.step} (${d.op.op}) ${who}` : "";
  return { rule: "R-APPLY-1", line: `${what}${where}: an entry was applied again; entries last_applied + 1 .. commit_index are applied, each once (R-APPLY-1)` };
}

/** The followers that rejoined at or before `through` (became reachable again), replayed through the reference. */
function rejoinedThrough(scenario: NormalizedScenario, through: number): Set<number> {
  const cluster = new Cluster(scenario.cluster);
  const rejoined = new Set<number>();
  const reachable = (id: number) => cluster.node(id).up && !cluster.isolated.has(id);
  for (let i = 0; i <= through; i++) {
    const step = scenario.steps[i]!;
    if (step.op === "snapshot") continue;
    const before = cluster.nodes.map((n) => reachable(n.id));
    cluster.apply(step);
    for (const n of cluster.nodes) if (!before[n.id - 1] && reachable(n.id)) rejoined.add(n.id);
  }
  return rejoined;
}

/** Whether the nodes that first diverged are the leader and followers that had rejoined by then, at least one. */
function divergedOnlyWithRejoined(scenario: NormalizedScenario, d: Divergence): boolean {
  const followers = d.nodes.filter((n) => n !== scenario.cluster.leader);
  if (followers.length === 0) return false;
  const rejoined = rejoinedThrough(scenario, d.step);
  return followers.every((n) => rejoined.has(n));
}

const pairsText = (pairs: readonly SnapshotPair[]) => pairs.map((p) => `${bytesToHex(p.keyBytes)}=${bytesToHex(p.value)}`).join(",");

/**
 * A follower whose pairs are, at the snapshot's step, exactly those of the port's own leader (in its trace),
 * where the reference's follower holds others: the follower's store is the leader's, shared since a rejoin
 * (R-REJOIN-2: the rejoining node gets a store of its own), so it follows every entry the leader applies,
 * even while the follower is isolated or behind.
 */
export function sharedStoreHint(c: HistoryClues): HistoryHint | null {
  const a = c.actual;
  const leader = c.scenario.cluster.leader;
  const node = c.snapshot.node;
  const leaderHex = c.portStates?.[leader - 1];
  if (a === null || node === leader || leaderHex === undefined || leaderHex === null) return null;
  if (!c.scenario.steps.slice(0, c.snapshot.step).some((s) => s.op === "restart" || s.op === "heal" || s.op === "partition")) return null;
  const portLeader = decodeVerdict(hexToBytes(leaderHex)).snapshot;
  if (portLeader.broken !== null) return null;
  const actual = pairsText(a.pairs);
  if (actual === pairsText(c.expected.pairs) || actual !== pairsText([...portLeader.pairs])) return null;
  // A shared store leaves the node's indices its own; last_applied equal to the leader's too is a node that
  // took the leader's whole state (it rejoined, or kept following), which isolated_hints.ts tells apart.
  if (a.lastIncludedIndex === portLeader.lastIncludedIndex) return null;
  return {
    rule: "R-REJOIN-2",
    line: `node ${node}'s pairs are exactly those of the port's leader, node ${leader}, at step ${c.snapshot.step}, where the reference's node ${node} holds others: does the node share the leader's store since a rejoin (aliasing) instead of a copy? A rejoining node gets a store of its own (R-REJOIN-2)`,
  };
}

/**
 * The leader and some followers diverge together at a step, while another reachable follower, which applied
 * the same entries, does not, and every diverging follower rejoined before or at that step: the entries
 * semantics are right (that follower has them), but they reached one store more than once. The signature of
 * followers that share the leader's store since their rejoin (R-REJOIN-2), whatever the op makes of it.
 */
export function sharedApplyHint(c: HistoryClues): HistoryHint | null {
  const d = c.divergence;
  const leader = c.scenario.cluster.leader;
  // Any step but a snapshot: a rejoin's own round applies entries too.
  if (d === null || d.op.op === "snapshot" || !d.nodes.includes(leader)) return null;
  const followers = d.nodes.filter((n) => n !== leader);
  if (followers.length === 0) return null;
  const cluster = new Cluster(c.scenario.cluster);
  const rejoined = new Set<number>();
  const reachable = (id: number) => cluster.node(id).up && !cluster.isolated.has(id);
  for (let i = 0; i <= d.step; i++) {
    const step = c.scenario.steps[i]!;
    if (step.op === "snapshot") continue;
    const before = cluster.nodes.map((n) => reachable(n.id));
    cluster.apply(step);
    for (const n of cluster.nodes) if (!before[n.id - 1] && reachable(n.id)) rejoined.add(n.id);
  }
  if (!followers.every((n) => rejoined.has(n))) return null;
  const right = cluster.nodes.filter((n) => n.id !== leader && reachable(n.id) && !d.nodes.includes(n.id)).map((n) => n.id);
  if (right.length === 0) return null;
  const list = (ids: readonly number[]) => ids.join(", ");
  return {
    rule: "R-REJOIN-2",
    line:
      `at step ${d.step} (${d.op.op}) the leader, node ${leader}, and node${followers.length > 1 ? "s" : ""} ${list(followers)}, which rejoined, diverged together, while node${right.length > 1 ? "s" : ""} ${list(right)}, which applied the same entries, did not: ` +
      "an entry reached one store more than once, as when a rejoined node shares the leader's store (aliasing) instead of a copy of its own (R-REJOIN-2)",
  };
}

/** An install decision the reference took for a node (R-INSTALL-1): the step that rejoined it, the leader's saved_index and the node's log length then. */
interface Decision {
  readonly step: number;
  readonly leaderSaved: number;
  readonly logLength: number;
}

/**
 * What the reference knew just before step `at` about `node`: the leader's saved_index, the node's log length
 * and its own saved_index, whether it was isolated, and the last install decision taken for it (a rejoin while
 * the leader held a saved snapshot), whose outcome a later restart inside P is the first to show.
 */
interface BeforeRejoin {
  readonly leaderSaved: number;
  readonly logLength: number;
  readonly nodeSaved: number;
  readonly isolated: boolean;
  readonly decision: Decision | null;
}

/** Replays the scenario through the reference up to (not including) step `at`. */
function beforeStep(scenario: NormalizedScenario, at: number, node: number): BeforeRejoin {
  const cluster = new Cluster(scenario.cluster);
  const n = cluster.node(node);
  const reachable = () => n.up && !cluster.isolated.has(node);
  let decision: Decision | null = null;
  for (let i = 0; i < at; i++) {
    const step = scenario.steps[i]!;
    if (step.op === "snapshot") continue;
    const before = { reachable: reachable(), leaderSaved: (cluster.defaultLeader()?.savedIndex ?? 0), logLength: n.logLength };
    cluster.apply(step);
    // A node becomes reachable only by rejoining (R-REJOIN-1), where the install decision is taken.
    if (!before.reachable && reachable() && before.leaderSaved > 0) decision = { step: i, leaderSaved: before.leaderSaved, logLength: before.logLength };
  }
  return { leaderSaved: (cluster.defaultLeader()?.savedIndex ?? 0), logLength: n.logLength, nodeSaved: n.savedIndex, isolated: cluster.isolated.has(node), decision };
}

/** Within one entry of the install decision's boundary: the log length a `<` instead of `<=` (or the reverse) decides wrongly. */
const atBoundary = (d: { leaderSaved: number; logLength: number }) => d.leaderSaved > 0 && Math.abs(d.logLength - d.leaderSaved) <= 1;

/** The steps that rejoin `node`: its restart, or a heal (which rejoins every isolated node that is up). */
const rejoins = (step: Step, node: number) => (step.op === "restart" && step.node === node) || step.op === "heal";

/**
 * A compaction boundary off by one: the diagnosed node's last_included_index is one off the expected, and
 * the port's state first diverged at a restart or heal of it after a compaction (the only steps at which a
 * saved snapshot is restored, R-SAVED-3, or installed, R-INSTALL-1; compaction itself changes no byte).
 * Which rule is named follows from the reference's state just before that step: a follower whose log is
 * within one entry of the leader's saved_index is at the install decision's boundary (R-INSTALL-1); an
 * isolated node with a snapshot of its own restores it (R-SAVED-3); else the entries discarded by the
 * compaction are off (R-COMPACT-2).
 */
export function compactionBoundaryHint(c: HistoryClues): HistoryHint | null {
  const a = c.actual;
  const d = c.divergence;
  if (a === null || d === null || !rejoins(d.op, c.snapshot.node) || !d.nodes.includes(c.snapshot.node)) return null;
  if (!c.scenario.steps.slice(0, d.step).some((s) => s.op === "compact")) return null;
  const want = c.expected.lastIncludedIndex;
  const got = a.lastIncludedIndex;
  if (want === undefined || got === undefined || (got !== want + 1n && got !== want - 1n)) return null;
  const b = beforeStep(c.scenario, d.step, c.snapshot.node);
  const node = c.snapshot.node;
  const off = `last_included_index of node ${node} is ${got}, one ${got > want ? "more" : "less"} than the expected ${want}, and it first diverged at step ${d.step} (${d.op.op}) after a compaction`;
  const install = "the install decision is off by one; a rejoining follower installs the leader's saved snapshot only when its log is shorter than the leader's saved_index (R-INSTALL-1)";
  // A restart inside P shows what the node saved or installed earlier: the decision at its last rejoin.
  const restoresOnly = d.op.op === "restart" && b.isolated;
  const decided = restoresOnly ? b.decision : { step: d.step, leaderSaved: b.leaderSaved, logLength: b.logLength };
  if (decided !== null && atBoundary(decided)) {
    const when = decided.step === d.step ? "just before it" : `when node ${node} last rejoined, at step ${decided.step}`;
    return { rule: "R-INSTALL-1", line: `${off} (${when}, the leader's saved_index was ${decided.leaderSaved} and node ${node}'s log held ${decided.logLength} entries): ${install}` };
  }
  const state = `(just before it, the leader's saved_index was ${b.leaderSaved} and node ${node}'s log held ${b.logLength} entries${b.nodeSaved > 0 ? `, its own saved_index ${b.nodeSaved}` : ""})`;
  if (b.isolated && b.nodeSaved > 0) {
    return { rule: "R-SAVED-3", line: `${off} ${state}: the restore is off by one; a node restarted inside P restores its saved snapshot with commit_index = last_applied = saved_index (R-SAVED-3)` };
  }
  return { rule: "R-COMPACT-2", line: `${off} ${state}: the compaction boundary is off by one; compact saves the state as of last_applied and discards entries 1 .. last_applied (R-COMPACT-2)` };
}

/**
 * When the divergence is a restart or heal of the diagnosed node while it or the leader holds a saved
 * snapshot (replayed through the reference up to that step), the rules that decide its state there, the
 * likeliest first: a restart inside P only restores (R-SAVED-3), any other rejoin first decides whether to
 * install (R-INSTALL-1); both rest on what the compaction saved (R-COMPACT-2). Empty otherwise.
 */
export function compactionRules(scenario: NormalizedScenario, divergence: Divergence | null, node: number): string[] {
  if (divergence === null || !rejoins(divergence.op, node) || !scenario.steps.slice(0, divergence.step).some((s) => s.op === "compact")) return [];
  const b = beforeStep(scenario, divergence.step, node);
  if (b.leaderSaved === 0 && b.nodeSaved === 0) return [];
  const restoresOnly = divergence.op.op === "restart" && b.isolated;
  if (!restoresOnly) return ["R-INSTALL-1", "R-COMPACT-2", "R-SAVED-3"];
  // What a restore inside P shows may have been installed at the node's last rejoin: near the boundary, that decision is the likelier culprit.
  return b.decision !== null && atBoundary(b.decision) ? ["R-INSTALL-1", "R-SAVED-3", "R-COMPACT-2"] : ["R-SAVED-3", "R-COMPACT-2", "R-INSTALL-1"];
}

/** Every history hint whose evidence is plain, in a fixed order. */
export function historyHints(c: HistoryClues): HistoryHint[] {
  // These hints replay the fixed leader of sections 1-3; with elections the leader changes, and the trace's
  // election states say more (raft_hint.ts).
  if (requiredFeatures(c.scenario).includes("elect")) return [];
  // A frozen node whose wrong state the scenario explains whole (the leader's, or its own from before a crash)
  // leaves no room for a shared store's guess, nor for an index one off the expected by coincidence.
  const isolated = isolatedStateHint(c);
  if (isolated !== null) return [isolated, appliedTwiceHint(c)].filter((h): h is HistoryHint => h !== null);
  const shared = sharedStoreHint(c) ?? sharedApplyHint(c);
  return [compactionBoundaryHint(c), downLogCommitHint(c) ?? isolatedLogCommitHint(c), shared, appliedTwiceHint(c)].filter((h): h is HistoryHint => h !== null);
}
