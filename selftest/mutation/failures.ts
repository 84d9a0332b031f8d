// A variant's outcome on one golden, as a conformance run would see it: whether it fails, and if so what the
// runner's diagnosis says of the failure (runner/diagnosis/evidence.ts), so that the ranking the mutation
// benchmark measures is the one a porter with that bug would read.
import type { GoldenVector, NormalizedScenario, TraceEntry } from "../../reference/index.js";
import { runSizes } from "../../reference/index.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";
import type { RunOutcome } from "../../runner/adapter/session.js";
import { TRACE_BUDGET, bisectDivergence, type Bisection } from "../../runner/diagnosis/bisect.js";
import { compareSnapshots } from "../../runner/diagnosis/compare.js";
import { diagnose } from "../../runner/diagnosis/diagnose.js";
import { decodeEvidence, hintRules, snapshotEvidence, type VerdictRule } from "../../runner/diagnosis/evidence.js";
import { vectorFacts, type VectorOutcome } from "../../runner/diagnosis/ranking.js";
import type { ReferenceModule } from "./mutants.js";

/** The variant as the bisection's session: each prefix run in process, a throw as a broken adapter. */
function inProcess(mutant: ReferenceModule) {
  return {
    alive: true,
    async run(req: { readonly scenario: NormalizedScenario }): Promise<RunOutcome> {
      try {
        return { kind: "result", snapshots: mutant.runScenario(req.scenario).snapshots, durationMs: 0, stderr: "" };
      } catch (err) {
        return { kind: "broken", reason: `the port threw: ${(err as Error).message}`, timedOut: false, durationMs: 0, stderr: "" };
      }
    },
  };
}

/** The variant's trace of the scenario, its divergence by bisection past the trace budget (as the runner does), or why neither. */
async function traceOf(mutant: ReferenceModule, g: GoldenVector, mismatchStep: number): Promise<TraceEntry[] | string | Bisection> {
  if (runSizes(g.scenario).traceChars > TRACE_BUDGET) return bisectDivergence(inProcess(mutant), g.name, g.scenario, mismatchStep);
  try {
    return mutant.runScenario(g.scenario, { trace: true }).trace ?? [];
  } catch (err) {
    return `the re-run with trace failed: ${(err as Error).message}`;
  }
}

/** A variant's outcome on one golden, and what it answered (its snapshots' hex, or that it threw). */
export interface Answered {
  readonly outcome: VectorOutcome;
  readonly answer: string;
}

/** How the variant does on a scenario golden; a throw fails the vector with no diagnosis, as a crashed port's error has none. */
export async function scenarioOutcome(mutant: ReferenceModule, g: GoldenVector): Promise<Answered> {
  const facts = vectorFacts(g);
  let snapshots;
  try {
    snapshots = mutant.runScenario(g.scenario).snapshots;
  } catch (err) {
    return { outcome: { ...facts, failed: true, evidence: [] }, answer: `threw ${(err as Error).message}` };
  }
  const answer = snapshots.map((s) => s.hex).join(",");
  // More or fewer snapshots is a protocol error to the runner (R-PROTO-6), never diagnosed as bytes.
  if (snapshots.length !== g.snapshots.length) return { outcome: { ...facts, failed: true, evidence: [] }, answer };
  const cmp = compareSnapshots(g.snapshots, snapshots);
  if (cmp.kind === "pass") return { outcome: { ...facts, failed: false }, answer };
  const d = diagnose(g, cmp.index, cmp.expected, cmp.actualHex, await traceOf(mutant, g, cmp.expected.step));
  return { outcome: { ...facts, failed: true, evidence: snapshotEvidence(d), hinted: hintRules(d) }, answer };
}

/** How the variant's decoder does on a decode golden (SPEC.md 4.1). */
export function decodeOutcome(mutant: ReferenceModule, g: DecodeGolden): Answered {
  const facts = vectorFacts(g);
  let actual: VerdictRule;
  let same: boolean;
  let answer: string;
  try {
    const v = mutant.decodeVerdict(mutant.hexToBytes(g.hex));
    const e = g.expected;
    actual = v.ok ? { type: "decoded" } : { type: "rejected", rule: v.rule };
    answer = v.ok ? JSON.stringify(mutant.decodedJson(v.snapshot)) : v.rule;
    same = e.type === "rejected" ? !v.ok && v.rule === e.rule : v.ok && answer === JSON.stringify(e.snapshot);
  } catch (err) {
    return { outcome: { ...facts, failed: true, evidence: [] }, answer: `threw ${(err as Error).message}` };
  }
  if (same) return { outcome: { ...facts, failed: false }, answer };
  return { outcome: { ...facts, failed: true, evidence: decodeEvidence(g.expected, actual, g.expected.type === "rejected" ? { hex: g.hex, offset: g.expected.offset } : undefined) }, answer };
}
