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

type Raw =
  | { kind: "put" | "append"; key: string; value: string }
  | { kind: "delete"; key: string }
  | { kind: "incr"; key: string; delta: string }
  | { kind: "cas"; key: string; expected: string | null; value: string }
  | { kind: "partition"; mask: bigint }
  | { kind: "crash" | "restart"; pick: number }
  | { kind: "heal" }
  | { kind: "snapshot"; mask: number; offset: number }
  | { kind: "compact"; pick: number };

/**
 * Raw choices for clusters of at most maxNodes nodes. Every number is drawn only as wide as the cluster can
 * use, so shrinking does not spend hundreds of steps narrowing bits that select nothing.
 */
function rawArbitrary(maxNodes: number): fc.Arbitrary<Raw> {
  const followers = maxNodes - 1;
  return fc.oneof(
    fc.record({ kind: fc.constantFrom("put" as const, "append" as const), key, value: edgeHex }),
    fc.record({ kind: fc.constant("delete" as const), key }),
    fc.record({ kind: fc.constant("incr" as const), key, delta }),
    fc.record({ kind: fc.constant("cas" as const), key, expected: fc.option(edgeHex, { nil: null }), value: edgeHex }),
    // One bit per follower, so a wide cluster can lose its majority.
    fc.record({ kind: fc.constant("partition" as const), mask: fc.bigInt({ min: 0n, max: (1n << BigInt(followers)) - 1n }) }),
    fc.record({ kind: fc.constantFrom("crash" as const, "restart" as const), pick: fc.nat({ max: Math.max(followers - 1, 0) }) }),
    fc.record({ kind: fc.constant("heal" as const) }),
    // Any node that is up, the leader included (R-COMPACT-1).
    fc.record({ kind: fc.constant("compact" as const), pick: fc.nat({ max: maxNodes - 1 }) }),
    // At most 31 nodes a snapshot step (the mask), starting anywhere among the live ones (the offset).
    fc.record({ kind: fc.constant("snapshot" as const), mask: fc.nat({ max: 2 ** Math.min(maxNodes, 31) - 1 }), offset: fc.nat({ max: maxNodes - 1 }) }),
  );
}

/** Turns raw choices into valid steps: crash picks an up follower, restart a down node, compact an up node, and so on. */
export function repair(nodes: number, leader: number, raws: readonly Raw[]): Step[] {
  const up = new Array<boolean>(nodes + 1).fill(true);
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  const followers = ids.filter((id) => id !== leader);
  const steps: Step[] = [];
  for (const r of raws) {
    switch (r.kind) {
      case "put":
      case "append":
        steps.push({ op: r.kind, key: r.key, value: r.value });
        break;
      case "delete":
        steps.push({ op: "delete", key: r.key });
        break;
      case "incr":
        steps.push({ op: "incr", key: r.key, delta: r.delta });
        break;
      case "cas":
        steps.push({ op: "cas", key: r.key, expected: r.expected, value: r.value });
        break;
      case "partition":
        steps.push({ op: "partition", nodes: followers.filter((_, i) => (r.mask >> BigInt(i)) & 1n) });
        break;
      case "crash":
      case "restart": {
        const candidates = followers.filter((id) => (r.kind === "crash") === up[id]);
        if (candidates.length === 0) break;
        const id = candidates[r.pick % candidates.length]!;
        up[id] = r.kind === "restart";
        steps.push({ op: r.kind, node: id });
        break;
      }
      case "heal":
        up.fill(true);
        steps.push({ op: "heal" });
        break;
      case "compact": {
        const live = ids.filter((id) => up[id]);
        steps.push({ op: "compact", node: live[r.pick % live.length]! });
        break;
      }
      case "snapshot": {
        const live = ids.filter((id) => up[id]);
        const from = r.offset % live.length;
        const chosen = [...live.slice(from), ...live.slice(0, from)].filter((_, i) => i < 31 && (r.mask >> i) & 1);
        steps.push({ op: "snapshot", nodes: (chosen.length > 0 ? chosen : [leader]) as [number, ...number[]] });
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
}

/**
 * A valid normalized scenario that always ends with a snapshot of the leader (R-SCEN-2). Cluster size, leader
 * and steps are drawn independently (the leader as a choice among the nodes), so shrinking can make the
 * cluster smaller without throwing the steps away. Even sizes are drawn as often as odd ones: the majority
 * rule is where they differ. The step list shrinks like any fast-check array, so a long scenario still
 * shrinks to the few steps that matter.
 */
export function scenarioArbitrary(options: ScenarioOptions = {}): fc.Arbitrary<NormalizedScenario> {
  const maxNodes = options.maxNodes ?? 7;
  const maxSteps = options.maxSteps ?? 30;
  const raws = fc.array(rawArbitrary(maxNodes), { maxLength: maxSteps - 1, size: options.size ?? "max" });
  return fc.tuple(fc.integer({ min: 1, max: maxNodes }), fc.nat({ max: maxNodes - 1 }), raws).map(([nodes, pick, raws]) => {
    const leader = 1 + (pick % nodes);
    const steps = repair(nodes, leader, raws);
    steps.push({ op: "snapshot", nodes: [leader] });
    return { cluster: { nodes, leader }, steps: steps as [Step, ...Step[]] };
  });
}

/**
 * What `rsm fuzz --mode` generates. normal: 1 to 7 nodes, up to maxSteps (default 50) steps. long: 1 to 7
 * nodes, up to maxSteps (default 2000) steps. wide: 1 to 255 nodes, up to maxSteps (default 50) steps.
 * mixed: normal, long and wide scenarios in turn (see fuzzArbitrary).
 */
export const FUZZ_MODES = ["mixed", "normal", "long", "wide", "decode"] as const;
export type FuzzMode = (typeof FUZZ_MODES)[number];

/** decode generates snapshots, not scenarios (selftest/decode_arbitraries.ts); its entry is never used. */
export const DEFAULT_MAX_STEPS: Record<FuzzMode, number> = { mixed: 1000, normal: 50, long: 2000, wide: 50, decode: 1 };

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
      return fc.oneof(
        { weight: 5, arbitrary: scenarioArbitrary({ maxSteps: short }) },
        { weight: 2, arbitrary: scenarioArbitrary({ maxSteps }) },
        { weight: 1, arbitrary: scenarioArbitrary({ maxSteps: short, maxNodes: 255 }) },
      );
  }
}
