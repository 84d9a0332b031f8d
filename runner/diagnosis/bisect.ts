// Finding where a long scenario diverges without a trace. A trace holds every node's whole snapshot after
// every step: for 10^5 steps over 10^4 keys, gigabytes. Instead the scenario's prefixes are re-run, each
// ending in a snapshot of every up node, and bisected: the step k where the port agrees with the reference
// after k - 1 steps and not after k. About log2(steps) runs, each as big as the scenario at most, so memory
// stays that of one scenario and one snapshot per node.
import { Cluster, bytesToHex, nodeSnapshot, requiredFeatures, type NormalizedScenario, type Step } from "../../reference/index.js";
import type { Divergence } from "./diagnose.js";
import { scenarioJson } from "../adapter/protocol.js";
import type { Session } from "../adapter/session.js";

/**
 * Characters of trace (R-PROTO-7, as reference/limits.ts's runSizes counts them) past which a failure is
 * diagnosed by bisection instead of a re-run with trace, by conformance and by `rsm trace`: a trace is every
 * node's snapshot after every step, and past this it costs more than re-running prefixes does. With a result
 * of at most R-SIZE-4's 64 Mi characters, a reply with trace stays within 96 Mi, well inside the runner's
 * line limit (runner/adapter/line_splitter.ts).
 */
export const TRACE_BUDGET = 32 * 1024 * 1024;

/** The reference's snapshot of each node of `nodes` after step k: the cluster run that far, and only those encoded. */
export function referenceStatesAfter(scenario: NormalizedScenario, k: number, nodes: readonly number[]): string[] {
  const cluster = new Cluster(scenario.cluster, { fixedLeader: !requiredFeatures(scenario).includes("elect") });
  for (let i = 0; i <= k; i++) {
    const s = scenario.steps[i]!;
    if (s.op !== "snapshot") cluster.apply(s);
  }
  return nodes.map((n) => bytesToHex(nodeSnapshot(cluster.node(n))));
}

/** The nodes up after step k, as the scenario alone decides (crash, restart, heal). */
function upAfter(scenario: NormalizedScenario, k: number): number[] {
  const down = new Array<boolean>(scenario.cluster.nodes + 1).fill(false);
  for (let i = 0; i <= k; i++) {
    const s = scenario.steps[i]!;
    if (s.op === "crash") down[s.node] = true;
    else if (s.op === "restart") down[s.node] = false;
    else if (s.op === "heal") down.fill(false);
  }
  return Array.from({ length: scenario.cluster.nodes }, (_, i) => i + 1).filter((n) => !down[n]);
}

/** Steps 0..k, then a snapshot of every up node: the state after step k, as bytes (R-SNAP-3: it changes nothing). */
export function prefixScenario(scenario: NormalizedScenario, k: number): { scenario: NormalizedScenario; up: number[] } {
  const up = upAfter(scenario, k);
  const steps = [...scenario.steps.slice(0, k + 1), { op: "snapshot", nodes: up } as Step] as unknown as NormalizedScenario["steps"];
  return { scenario: { cluster: scenario.cluster, steps }, up };
}

export interface Bisection {
  readonly divergence: Divergence | null;
  /** Why there is no divergence, when there is none. */
  readonly note: string | null;
  /** The session broke on the way: the caller starts another. */
  readonly broken: boolean;
}

/**
 * Bisects steps 0..`upTo` for the first step after which some up node's state differs from the reference's.
 * `upTo` is a step after which the port is known to be wrong: that of the first mismatching snapshot, or one
 * after which its states were seen to differ. A caller with neither has nothing to bisect, and must not ask:
 * the note for states that agree at `upTo` blames the port's snapshot step (R-SNAP-3).
 */
export async function bisectDivergence(session: Session, name: string, scenario: NormalizedScenario, upTo: number): Promise<Bisection> {
  /** The nodes whose state after step k differs, or a string saying why the adapter could not tell. */
  const differing = async (k: number): Promise<number[] | string> => {
    const p = prefixScenario(scenario, k);
    const o = await session.run({ name: `${name} (steps 0..${k}, then a snapshot)`, scenario: p.scenario, scenarioText: scenarioJson(p.scenario), trace: false });
    if (o.kind === "refused") return `the adapter answered a prefix of the scenario with an error: ${o.message}`;
    if (o.kind !== "result") return `a re-run of a prefix of the scenario failed: ${o.kind === "broken" ? o.reason : "never answered"}`;
    const expected = referenceStatesAfter(scenario, k, p.up);
    const actual = o.snapshots.slice(-p.up.length);
    return p.up.filter((_, i) => actual[i]?.hex !== expected[i]);
  };
  const atEnd = await differing(upTo);
  if (typeof atEnd === "string") return { divergence: null, note: atEnd, broken: !session.alive };
  if (atEnd.length === 0) {
    return { divergence: null, note: "every up node's state after that step matches the reference, so the port's snapshot step output disagrees with its own state (R-SNAP-3)", broken: false };
  }
  // Invariant: the state after step `lo` agrees (lo = -1: the initial state), after step `hi` it does not.
  let lo = -1;
  let hi = upTo;
  let nodes = atEnd;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const d = await differing(mid);
    if (typeof d === "string") return { divergence: null, note: d, broken: !session.alive };
    if (d.length === 0) lo = mid;
    else {
      hi = mid;
      nodes = d;
    }
  }
  return { divergence: { step: hi, op: scenario.steps[hi]!, nodes }, note: null, broken: false };
}
