// A byte mismatch explained: the port's trace of the scenario (or, past the trace budget, a bisection of its
// prefixes), then the diagnosis (diagnose.ts). One path for every scenario the runner compares, the corpus's
// golden vectors and the scale check's generated scenarios alike, so that a failure reads the same wherever
// it was found and costs the same budget.
import { runSizes, type GoldenVector, type TraceEntry } from "../../reference/index.js";
import type { RunOutcome, Session } from "../adapter/session.js";
import { TRACE_BUDGET, bisectDivergence, type Bisection } from "./bisect.js";
import type { Comparison } from "./compare.js";
import { diagnose, type Diagnosis } from "./diagnose.js";
import { snapshotEvidence } from "./evidence.js";

/** What is compared: a scenario under its name, with the expected snapshots (a golden's, or the reference's). */
export interface Compared {
  readonly name: string;
  readonly golden: GoldenVector;
  /** The normalized scenario as JSON, as it was sent. */
  readonly scenarioText: string;
}

export interface Explained {
  /** "error" when the re-run with trace (or a prefix's) broke the protocol: the adapter's error, not a divergence to trust. */
  readonly status: "failed" | "error";
  readonly reason: string;
  /** The session broke on the way: the caller starts another. */
  readonly restarted: boolean;
  readonly diagnosis: Diagnosis;
  /**
   * The re-run with trace, when it was one run: its snapshots must be the ones just diagnosed, or the port is
   * nondeterministic (R-PROTO-11) and its trace no ground for blaming the snapshot step (R-SNAP-3).
   */
  readonly traced?: RunOutcome;
}

/**
 * The port's trace of a scenario, its first divergence found by bisection, or why neither could be had. The
 * trace's size is the reference's, exact (an estimate from the emitted snapshots missed states larger than
 * any of them, and the reply then passed the runner's line limit: the budget blamed on the port).
 */
async function traceOf(session: Session, v: Compared, mismatchStep: number): Promise<{ trace: TraceEntry[] | string | Bisection; broken: boolean; traced?: RunOutcome }> {
  const scenario = v.golden.scenario;
  if (runSizes(scenario).traceChars > TRACE_BUDGET) {
    const b = await bisectDivergence(session, v.name, scenario, mismatchStep);
    return { trace: b, broken: b.broken };
  }
  const o = await session.run({ name: v.name, scenario, scenarioText: v.scenarioText, trace: true, expected: v.golden.snapshots });
  if (o.kind === "result") return { trace: o.trace ?? [], broken: false, traced: o };
  if (o.kind === "refused") return { trace: `the re-run with trace was answered with an error: ${o.message}`, broken: false };
  if (o.kind === "aborted") return { trace: "the re-run with trace was never answered: an earlier request broke the adapter", broken: true };
  return { trace: `the re-run with trace failed: ${o.reason}`, broken: true };
}

/**
 * The re-run's trace was malformed only because a state in it is not a well-formed snapshot (R-PROTO-7), and
 * the snapshot being diagnosed is not well-formed either (it does not decode, or its CRC does not match its
 * own bytes): one encoder bug shows in both, and it is the failure's, not a second problem of the trace's.
 */
function sameWireBug(traceNote: string, d: Diagnosis): boolean {
  return /the trace is malformed: trace entry \d+, node \d+: not a well-formed snapshot: /.test(traceNote) && d.crcSelfConsistent !== true;
}

/**
 * Diagnoses the first mismatching snapshot of `cmp`: with a session, the re-runs (trace or bisection) go
 * through it; with a string instead, nothing is re-run and the string says why (the bytes are diagnosed all
 * the same: field, decoded diff, hints, rules).
 */
export async function explainMismatch(session: Session | string, v: Compared, cmp: Extract<Comparison, { kind: "mismatch" }>): Promise<Explained> {
  const traced = typeof session === "string" ? { trace: session, broken: false } : await traceOf(session, v, cmp.expected.step);
  let diagnosis = diagnose(v.golden, cmp.index, cmp.expected, cmp.actualHex, traced.trace);
  if (traced.broken && typeof traced.trace === "string" && sameWireBug(traced.trace, diagnosis)) {
    // Evidence that does not mask: the snapshot's bytes are diagnosed (field, diff, hints, rules) and stay the
    // verdict; the trace, broken by the same encoder, is a note.
    const note = `${traced.trace}; the snapshot answered is not well-formed either, so the trace's states are most likely broken by the same wire bug, diagnosed here from the snapshot`;
    // The note's rule ids (R-PROTO-7, the decoder's) are the trace's, not evidence of the cause.
    diagnosis = { ...diagnosis, traceNote: note, evidence: snapshotEvidence({ hints: diagnosis.hints, traceNote: null, rules: diagnosis.rules }) };
    const field = diagnosis.field === null ? "past the end of the expected snapshot" : `in ${diagnosis.field}`;
    return { status: "failed", reason: `snapshot of step ${cmp.expected.step} node ${cmp.expected.node} differs at byte ${diagnosis.offset}, ${field}`, restarted: true, diagnosis };
  }
  const field = diagnosis.field === null ? "past the end of the expected snapshot" : `in ${diagnosis.field}`;
  const differs = `snapshot of step ${cmp.expected.step} node ${cmp.expected.node} differs at byte ${diagnosis.offset}, ${field}`;
  // A re-run with trace that broke the protocol (a trace that lies about who is down, a state that is no
  // snapshot) is the adapter's error, named as such, not a divergence to be trusted.
  const note = typeof traced.trace === "string" ? traced.trace : "note" in traced.trace ? traced.trace.note : "";
  return { status: traced.broken ? "error" : "failed", reason: traced.broken ? `${differs}; ${note}` : differs, restarted: traced.broken, diagnosis, ...("traced" in traced && traced.traced !== undefined && { traced: traced.traced }) };
}
