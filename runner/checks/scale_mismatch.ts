// A snapshot of the scale check that differs from the reference's, diagnosed as the corpus's failures are
// (runner/diagnosis/mismatch.ts: first differing snapshot, field, decoded diff, hints, likely rules, and so
// the .bin files of the report), instead of only naming the snapshot. A generated scenario is long, so the
// first failing case of an adapter is re-run to find where the port diverged (bisected over prefixes, within
// the trace budget); a later, longer one most likely shows the same bug again, and only its bytes are
// diagnosed: its re-runs would cost as much as the check itself.
import { requiredFeatures, type GoldenVector, type NormalizedScenario, type SnapshotEntry } from "../../reference/index.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { Comparison } from "../diagnosis/compare.js";
import { explainMismatch, type Explained } from "../diagnosis/mismatch.js";
import { vectorFacts } from "../diagnosis/vector_outcome.js";
import type { VectorFacts } from "../model.js";

/** What a scale case gives to be diagnosed: the case's name (scale/N), and its scenario and expected snapshots. */
export interface ScaleScenario {
  readonly name: string;
  readonly scenario: NormalizedScenario;
  readonly scenarioText: string;
  readonly snapshots: readonly SnapshotEntry[];
}

/**
 * The least time each re-run gets: the diagnosis is no verdict on speed, and a prefix re-run that times out
 * on a busy machine would turn a byte failure into an adapter error (the bisection's broken session).
 */
const RERUN_MIN_MS = 60_000;

/** A scale case as a golden: what the diagnosis and the run's ranking read. */
function scaleGolden(c: ScaleScenario): GoldenVector {
  return {
    format: 1,
    name: c.name,
    source: "corpus/scaling.ts",
    source_sha256: "0".repeat(64),
    description: `the scale check's ${c.name} (SPEC.md R-PROTO-12)`,
    tags: [],
    rules: [],
    features: requiredFeatures(c.scenario),
    scenario: c.scenario,
    snapshots: c.snapshots as GoldenVector["snapshots"],
  };
}

/**
 * A scale case as the run's ranking weighs it: a vector that declares no rule (R-PROTO-12 is the check's,
 * not the cause of a wrong byte, and declaring it would rank it first for every failure at scale), with its
 * size, so that an order that breaks only past a size can be told (runner/diagnosis/run_findings.ts).
 */
export function scaleFacts(c: ScaleScenario): VectorFacts {
  const { features, keys } = vectorFacts(scaleGolden(c));
  return { rules: [], ...(features && { features }), ...(keys !== undefined && { keys }) };
}

/** Diagnoses the scale check's byte mismatches of one adapter, in the order its cases ran. */
export class ScaleDiagnoser {
  /** The case whose mismatch was re-run, once there is one. */
  private rerun: string | null = null;

  constructor(private readonly adapter: FleetAdapter) {}

  /**
   * `where` says what is at scale ("at 10000 steps over 2000 keys"); `timeoutMs` is the time the case itself
   * was given, which each re-run gets too (and at least RERUN_MIN_MS).
   */
  async explain(c: ScaleScenario, where: string, cmp: Extract<Comparison, { kind: "mismatch" }>, timeoutMs: number): Promise<Explained> {
    const golden = scaleGolden(c);
    const compared = { name: c.name, golden, scenarioText: c.scenarioText };
    let explained: Explained;
    if (this.rerun !== null) {
      explained = await explainMismatch(`not re-run to find where the port diverged: ${this.rerun}, an earlier case of the scale check, was`, compared, cmp);
    } else {
      this.rerun = c.name;
      const session = await this.adapter.open(`the diagnosis of ${c.name}`, Math.max(timeoutMs, RERUN_MIN_MS));
      if (session === null) explained = await explainMismatch("not re-run to find where the port diverged: the adapter could not be started again", compared, cmp);
      else {
        try {
          explained = await explainMismatch(session, compared, cmp);
        } finally {
          await session.close();
        }
      }
    }
    // The scenario is nowhere in the corpus: the reason says how to get it.
    const reproduce = `reproduce: rsm trace ${c.name} --exec COMMAND, or rsm conformance --write-scale DIR`;
    return { ...explained, reason: `at scale: ${where}, the ${explained.reason} (${reproduce})` };
  }
}
