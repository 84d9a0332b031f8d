// The size limits of SPEC.md section 5 (R-SIZE-1..4): how large a scenario, a value, the nodes' state after a
// step and a result may be, so that every scenario the kit accepts can be run, traced and written as a
// golden by the kit and by every port, with room to spare. The sizes are computed, never built: a scenario
// over a limit is refused before anything that large exists.
import { utf8Length } from "./bytes.js";
import { Cluster, raftState, type Node } from "./cluster.js";
import { HEADER_SIZE } from "./snapshot.js";
import { formatPath, type PathSegment } from "./json_path.js";
import type { Problem } from "./problems.js";
import type { NormalizedScenario } from "./types/normalized.gen.js";
import type { AuthoredScenario, Bytes } from "./types/scenario.gen.js";

const MiB = 1024 * 1024;

export const LIMITS = {
  /** R-SIZE-1: steps in a scenario. The scale check's longest scenario has exactly this many. */
  steps: 1_000_000,
  /** R-SIZE-1: bytes of the normalized scenario as compact JSON (the `scenario` of a run request). */
  scenarioBytes: 64 * MiB,
  /** R-SIZE-2: bytes of one value, or of one key's UTF-8. */
  valueBytes: 16 * MiB,
  /** R-SIZE-3: bytes of every up node's snapshot after any one step, together. */
  stateBytes: 16 * MiB,
  /** R-SIZE-4: characters of a result's `snapshots` array as compact JSON. */
  resultChars: 64 * MiB,
} as const;

const count = (n: number): string => n.toLocaleString("en-US");
/** "16 MiB (16,777,216 bytes)": the round figure people remember, then the number they check against. */
const bytesLimit = (n: number): string => `${n / MiB} MiB (${count(n)} bytes)`;
const charsLimit = (n: number): string => `${n / MiB} Mi characters (${count(n)})`;

/**
 * R-SIZE-1 (steps) and R-SIZE-2, on the authored scenario: checked before it is normalized, since
 * normalizing writes every value as hex, twice the bytes of its UTF-8.
 */
export function authoredSizeProblems(s: AuthoredScenario): Problem[] {
  const problems: Problem[] = [];
  const report = (path: PathSegment[], rule: string, message: string) => problems.push({ path: formatPath(path), rule, message });
  if (s.steps.length > LIMITS.steps) {
    report(["steps"], "R-SIZE-1", `${count(s.steps.length)} steps; expected at most ${count(LIMITS.steps)}`);
    return problems;
  }
  const check = (bytes: number, path: PathSegment[], what: string) => {
    if (bytes > LIMITS.valueBytes) report(path, "R-SIZE-2", `${what} of ${count(bytes)} bytes; expected at most ${bytesLimit(LIMITS.valueBytes)}`);
  };
  const checkBytes = (b: Bytes | null, path: PathSegment[]) => {
    if (b?.hex !== undefined) check(b.hex.length / 2, [...path, "hex"], "a value");
    else if (b?.utf8 !== undefined) check(utf8Length(b.utf8), [...path, "utf8"], "a value");
  };
  s.steps.forEach((step, i) => {
    if ("key" in step) check(utf8Length(step.key), ["steps", i, "key"], "a key");
    if (step.op === "put" || step.op === "append") checkBytes(step.value, ["steps", i, "value"]);
    else if (step.op === "cas") {
      checkBytes(step.expected, ["steps", i, "expected"]);
      checkBytes(step.value, ["steps", i, "value"]);
    }
  });
  return problems;
}

/** A node's snapshot's length in bytes (section 4: header, pairs, CRC), from its store's kept size. */
const snapshotSize = (n: Node): number => HEADER_SIZE + n.store.pairsSize + 4;

/** The characters of `{"step":S,"node":N,"hex":"..."}` for a snapshot of `bytes` bytes (R-PROTO-6). */
function entryChars(step: number, node: number, bytes: number): number {
  return 26 + String(step).length + String(node).length + 2 * bytes;
}

export interface RunSizes {
  /** Characters of the result's `snapshots` array as compact JSON (R-SIZE-4). */
  readonly resultChars: number;
  /** Characters of the `trace` array as compact JSON (R-PROTO-7): what a re-run with trace adds to the result. */
  readonly traceChars: number;
  /** The step after which the up nodes' snapshots together are largest, and their bytes (R-SIZE-3). */
  readonly largestState: { readonly step: number; readonly bytes: number };
  /** The first step at which a limit is passed, when `stopAtLimit` asked to stop there; else null. */
  readonly overLimit: { readonly step: number; readonly rule: "R-SIZE-3" | "R-SIZE-4" } | null;
}

/**
 * What a run of steps 0..`last` replies, in characters, and the largest state it passes through, from the
 * reference's run without encoding a single snapshot: each store keeps its snapshot's size (store.ts), so
 * this costs a run of the cluster, however large the snapshots. With `stopAtLimit` it stops at the first
 * step that passes R-SIZE-3 or R-SIZE-4.
 */
export function runSizes(scenario: NormalizedScenario, options: { last?: number; stopAtLimit?: boolean } = {}): RunSizes {
  const last = Math.min(options.last ?? scenario.steps.length - 1, scenario.steps.length - 1);
  // R-TRACE-1: a scenario that needs `elect` traces each node's raft state too.
  // (normalize.ts's requiredFeatures says the same; it imports this module, so it is not imported here).
  const elect = scenario.steps.some((s) => s.op === "elect" || "via" in s);
  const cluster = new Cluster(scenario.cluster, { fixedLeader: !elect });
  // "[" and "]", and a comma before every entry but the first.
  let resultChars = 2;
  let traceChars = 2;
  let emitted = 0;
  let largestState = { step: 0, bytes: 0 };
  for (let i = 0; i <= last; i++) {
    const step = scenario.steps[i]!;
    if (step.op === "snapshot") {
      for (const id of step.nodes) resultChars += (emitted++ === 0 ? 0 : 1) + entryChars(i, id, snapshotSize(cluster.node(id)));
    } else cluster.apply(step);
    // {"step":i,"states":[...]}: a state is "hex" or null, separated by commas.
    let stateBytes = 0;
    let states = 21 + String(i).length + (cluster.nodes.length - 1);
    for (const n of cluster.nodes) {
      if (!n.up) {
        states += 4;
        continue;
      }
      const size = snapshotSize(n);
      stateBytes += size;
      states += 2 + 2 * size;
    }
    // ,"raft":[...]: a few dozen characters per node, measured as written.
    if (elect) states += 8 + JSON.stringify(cluster.nodes.map(raftState)).length;
    traceChars += (i === 0 ? 0 : 1) + states;
    if (stateBytes > largestState.bytes) largestState = { step: i, bytes: stateBytes };
    if (options.stopAtLimit) {
      const rule = stateBytes > LIMITS.stateBytes ? "R-SIZE-3" : resultChars > LIMITS.resultChars ? "R-SIZE-4" : null;
      if (rule !== null) return { resultChars, traceChars, largestState, overLimit: { step: i, rule } };
    }
  }
  return { resultChars, traceChars, largestState, overLimit: null };
}

/**
 * R-SIZE-1 (bytes), R-SIZE-3 and R-SIZE-4, on a normalized scenario whose steps and values are within
 * R-SIZE-1 and R-SIZE-2: its JSON is measured one step at a time, then the reference runs it, measuring.
 */
export function normalizedSizeProblems(s: NormalizedScenario): Problem[] {
  // {"cluster":...,"steps":[ ... ]}: the commas between steps, then each step's own text.
  let bytes = JSON.stringify({ cluster: s.cluster, steps: [] }).length + s.steps.length - 1;
  for (let i = 0; i < s.steps.length; i++) {
    bytes += utf8Length(JSON.stringify(s.steps[i]));
    if (bytes > LIMITS.scenarioBytes) {
      return [{ path: formatPath(["steps", i]), rule: "R-SIZE-1", message: `the normalized scenario's JSON passes ${bytesLimit(LIMITS.scenarioBytes)} at this step; expected at most that in all` }];
    }
  }
  const sizes = runSizes(s, { stopAtLimit: true });
  if (sizes.overLimit === null) return [];
  const { step, rule } = sizes.overLimit;
  const message =
    rule === "R-SIZE-3"
      ? `after this step the up nodes' snapshots total ${count(sizes.largestState.bytes)} bytes; expected at most ${bytesLimit(LIMITS.stateBytes)} after any step`
      : `the result's snapshots reach ${count(sizes.resultChars)} characters of JSON at this snapshot step; expected at most ${charsLimit(LIMITS.resultChars)} in all`;
  return [{ path: formatPath(["steps", step]), rule, message }];
}
