// fast-check arbitraries for valid normalized scenarios, leaning towards the edges where ports diverge.
// Raw choices are drawn first and then repaired into a valid scenario by tracking who is up, so every
// generated scenario is valid and fast-check's shrinking of the raw choices still works.
import fc from "fast-check";
import type { NormalizedScenario, Step } from "../reference/index.js";

/**
 * The line ends JSON leaves raw inside a string (JSON.stringify escapes only those below U+0020), which
 * Python's str.splitlines and other "any line end" readers still split a request at (R-PROTO-1: a request
 * ends at \n only); the \r beside one arrives escaped, and must not be taken for the line end either.
 */
export const LINE_SEPARATOR_KEYS = ["a\u2028b", "\u2029", "\u0085", "\r\u0085"];
export const EDGE_KEYS = ["", "a", "a\u0000", "a\u0000b", "b", "1", "10", "2", "__proto__", "constructor", "\u00e9", "e\u0301", "\ue000", "\uffff", "\u{1f600}", "\u{10000}", ...LINE_SEPARATOR_KEYS];
export const EDGE_DELTAS = ["0", "1", "9007199254740992", "9007199254740993", "18446744073709551615", "18446744073709551614"];

const hex = fc.uint8Array({ maxLength: 10 }).map((b) => Buffer.from(b).toString("hex"));
const edgeHex = fc.oneof(fc.constantFrom("", "00", "ff", "0000000000000000", "ffffffffffffffff", "00000000000000ff"), hex);
const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EDGE_KEYS) }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) });
const delta = fc.oneof(fc.constantFrom(...EDGE_DELTAS), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String));

/** A client command's node to send it to (R-ROUTE-1); drawn only for scenarios with elections, null: the default leader. */
type Via = { via: number | null };

type Raw =
  | ({ kind: "put" | "append"; key: string; value: string } & Via)
  | ({ kind: "delete"; key: string } & Via)
  | ({ kind: "incr"; key: string; delta: string } & Via)
  | ({ kind: "cas"; key: string; expected: string | null; value: string } & Via)
  | { kind: "partition"; mask: bigint }
  | { kind: "crash" | "restart"; pick: number }
  | { kind: "heal" }
  | { kind: "snapshot"; mask: number; offset: number }
  | { kind: "compact"; pick: number }
  | { kind: "elect"; pick: number };

/**
 * Raw choices for clusters of at most maxNodes nodes. Every number is drawn only as wide as the cluster can
 * use, so shrinking does not spend hundreds of steps narrowing bits that select nothing.
 */
function rawArbitrary(maxNodes: number, elect: boolean): fc.Arbitrary<Raw> {
  // With elections the leader may be isolated and crashed too (R-ELECT-1), so every node is a pick.
  const pickable = elect ? maxNodes : maxNodes - 1;
  // A third of the commands name a node, mostly one that is not the leader of the moment: a stale leader
  // appending, or a dropped command (R-ROUTE-1).
  const via = elect ? fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: maxNodes }) }) : fc.constant(null);
  const commands = [
    fc.record({ kind: fc.constantFrom("put" as const, "append" as const), key, value: edgeHex, via }),
    fc.record({ kind: fc.constant("delete" as const), key, via }),
    fc.record({ kind: fc.constant("incr" as const), key, delta, via }),
    fc.record({ kind: fc.constant("cas" as const), key, expected: fc.option(edgeHex, { nil: null }), value: edgeHex, via }),
  ];
  const events = [
    // One bit per follower (per node with elections), so a wide cluster can lose its majority.
    fc.record({ kind: fc.constant("partition" as const), mask: fc.bigInt({ min: 0n, max: (1n << BigInt(pickable)) - 1n }) }),
    fc.record({ kind: fc.constantFrom("crash" as const, "restart" as const), pick: fc.nat({ max: Math.max(pickable - 1, 0) }) }),
    fc.record({ kind: fc.constant("heal" as const) }),
    // Any node that is up, the leader included (R-COMPACT-1).
    fc.record({ kind: fc.constant("compact" as const), pick: fc.nat({ max: maxNodes - 1 }) }),
    // At most 31 nodes a snapshot step (the mask), starting anywhere among the live ones (the offset).
    fc.record({ kind: fc.constant("snapshot" as const), mask: fc.nat({ max: 2 ** Math.min(maxNodes, 31) - 1 }), offset: fc.nat({ max: maxNodes - 1 }) }),
  ];
  if (!elect) return fc.oneof(...commands, ...events);
  // Elections as often as any two other steps together: most runs of a few steps then change leaders, and
  // votes meet partitions, crashes and compaction.
  const election = fc.record({ kind: fc.constant("elect" as const), pick: fc.nat({ max: maxNodes - 1 }) });
  return fc.oneof(...commands, ...events, { weight: 2, arbitrary: election });
}

/**
 * Turns raw choices into valid steps: crash picks an up follower (any up node but the last, with elections),
 * restart a down node, compact and elect an up node, and so on.
 */
export function repair(nodes: number, leader: number, raws: readonly Raw[], elect = false): Step[] {
  const up = new Array<boolean>(nodes + 1).fill(true);
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  const pickable = elect ? ids : ids.filter((id) => id !== leader);
  const steps: Step[] = [];
  // A via outside the cluster is the default leader instead: the cluster may have shrunk under shrinking.
  const via = (r: Via) => (r.via !== null && r.via <= nodes ? { via: r.via } : {});
  for (const r of raws) {
    switch (r.kind) {
      case "put":
      case "append":
        steps.push({ op: r.kind, key: r.key, value: r.value, ...via(r) });
        break;
      case "delete":
        steps.push({ op: "delete", key: r.key, ...via(r) });
        break;
      case "incr":
        steps.push({ op: "incr", key: r.key, delta: r.delta, ...via(r) });
        break;
      case "cas":
        steps.push({ op: "cas", key: r.key, expected: r.expected, value: r.value, ...via(r) });
        break;
      case "partition":
        steps.push({ op: "partition", nodes: pickable.filter((_, i) => (r.mask >> BigInt(i)) & 1n) });
        break;
      case "crash":
      case "restart": {
        const candidates = pickable.filter((id) => (r.kind === "crash") === up[id]);
        // A snapshot needs a node that is up (R-SNAP-2), so the last one up stays up.
        if (candidates.length === 0 || (r.kind === "crash" && ids.filter((id) => up[id]).length === 1)) break;
        const id = candidates[r.pick % candidates.length]!;
        up[id] = r.kind === "restart";
        steps.push({ op: r.kind, node: id });
        break;
      }
      case "heal":
        up.fill(true);
        steps.push({ op: "heal" });
        break;
      case "compact":
      case "elect": {
        const live = ids.filter((id) => up[id]);
        steps.push({ op: r.kind, node: live[r.pick % live.length]! });
        break;
      }
      case "snapshot": {
        const live = ids.filter((id) => up[id]);
        const from = r.offset % live.length;
        const chosen = [...live.slice(from), ...live.slice(0, from)].filter((_, i) => i < 31 && (r.mask >> i) & 1);
        steps.push({ op: "snapshot", nodes: (chosen.length > 0 ? chosen : [live[0]!]) as [number, ...number[]] });
        break;
      }
    }
  }
  return steps;
}

export interface ScenarioOptions {
  /** Steps per scenario at most, the final snapshot included (default 30). */
  maxSteps?: number;
  /** Nodes per cluster at most, 1..255 (default 7). */
  maxNodes?: number;
  /**
   * fast-check's size for the length of the step list (default "max": lengths spread evenly over
   * 1..maxSteps). fast-check's own default, "small", never goes past about 10 steps whatever maxSteps says.
   */
  size?: fc.SizeForArbitrary;
  /**
   * Scenarios with elections (SPEC.md 3.4): elect steps, commands with via, and partitions and crashes that
   * may take any node, the leader included. Without it, no scenario needs the feature elect.
   */
  elect?: boolean;
}

/**
 * A valid normalized scenario that always ends with a snapshot of the leader (R-SCEN-2), or with elections
 * of every node up (at most 31), since the leader may be down by then. Cluster size, leader
 * and steps are drawn independently (the leader as a choice among the nodes), so shrinking can make the
 * cluster smaller without throwing the steps away. Even sizes are drawn as often as odd ones: the majority
 * rule is where they differ. The step list shrinks like any fast-check array, so a long scenario still
 * shrinks to the few steps that matter.
 */
export function scenarioArbitrary(options: ScenarioOptions = {}): fc.Arbitrary<NormalizedScenario> {
  const maxNodes = options.maxNodes ?? 7;
  const maxSteps = options.maxSteps ?? 30;
  const elect = options.elect ?? false;
  // With elections one step may be added (below), so the raw choices leave room for it.
  const raws = fc.array(rawArbitrary(maxNodes, elect), { maxLength: Math.max(maxSteps - (elect ? 2 : 1), 0), size: options.size ?? "max" });
  return fc.tuple(fc.integer({ min: 1, max: maxNodes }), fc.nat({ max: maxNodes - 1 }), raws).map(([nodes, pick, raws]) => {
    const leader = 1 + (pick % nodes);
    const steps = repair(nodes, leader, raws, elect);
    // A scenario that crashes or isolates the leader is valid only when it needs elect (R-ELECT-1): one
    // with neither an elect step nor a via gets an election of the leader first, which leaves it leader.
    if (elect && !steps.some((s) => s.op === "elect" || ("via" in s && s.via !== undefined))) steps.unshift({ op: "elect", node: leader });
    steps.push({ op: "snapshot", nodes: elect ? finalNodes(nodes, steps) : [leader] });
    return { cluster: { nodes, leader }, steps: steps as [Step, ...Step[]] };
  });
}

/** The nodes up after `steps` (R-SNAP-2), the first 31 of them: the final snapshot of a scenario with elections. */
function finalNodes(nodes: number, steps: readonly Step[]): [number, ...number[]] {
  const up = new Array<boolean>(nodes + 1).fill(true);
  for (const s of steps) {
    if (s.op === "crash") up[s.node] = false;
    else if (s.op === "restart") up[s.node] = true;
    else if (s.op === "heal") up.fill(true);
  }
  return Array.from({ length: nodes }, (_, i) => i + 1).filter((id) => up[id]).slice(0, 31) as [number, ...number[]];
}

/**
 * What `rsm fuzz --mode` generates. normal: 1 to 7 nodes, up to maxSteps (default 50) steps. long: 1 to 7
 * nodes, up to maxSteps (default 2000) steps. wide: 1 to 255 nodes, up to maxSteps (default 50) steps.
 * mixed: normal, long and wide scenarios in turn (see fuzzArbitrary). elect: scenarios with elections, in
 * the proportions of mixed (up to maxSteps, default 200); only adapters that announce elect are judged.
 * invariants: the same scenarios through the reference alone, checking Raft's safety properties after every
 * step (reference/raft_safety.ts).
 */
export const FUZZ_MODES = ["mixed", "normal", "long", "wide", "elect", "invariants", "decode"] as const;
export type FuzzMode = (typeof FUZZ_MODES)[number];

/** decode generates snapshots, not scenarios (selftest/decode_arbitraries.ts); its entry is never used. */
export const DEFAULT_MAX_STEPS: Record<FuzzMode, number> = { mixed: 1000, normal: 50, long: 2000, wide: 50, elect: 200, invariants: 200, decode: 1 };

/**
 * The fuzzer's scenarios. mixed draws, out of 8: 5 normal scenarios (up to min(maxSteps, 50) steps), 2
 * long ones (up to maxSteps) and 1 wide one (up to 255 nodes, up to min(maxSteps, 50) steps); maxSteps is
 * never exceeded.
 */
export function fuzzArbitrary(mode: Exclude<FuzzMode, "decode">, maxSteps: number): fc.Arbitrary<NormalizedScenario> {
  const short = Math.min(maxSteps, DEFAULT_MAX_STEPS.normal);
  switch (mode) {
    case "normal":
    case "long":
      return scenarioArbitrary({ maxSteps });
    case "wide":
      return scenarioArbitrary({ maxSteps, maxNodes: 255 });
    case "mixed":
    case "elect":
    case "invariants": {
      // mixed stays without elections: its measured figures (docs/corpus.md) and every port keep to it.
      const elect = mode !== "mixed";
      return fc.oneof(
        { weight: 5, arbitrary: scenarioArbitrary({ maxSteps: short, elect }) },
        { weight: 2, arbitrary: scenarioArbitrary({ maxSteps, elect }) },
        { weight: 1, arbitrary: scenarioArbitrary({ maxSteps: short, maxNodes: 255, elect }) },
      );
    }
  }
}
