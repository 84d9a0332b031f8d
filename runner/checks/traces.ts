// The trace check (R-PROTO-7): after the corpus, a sample of the vectors that passed (every one with --traces
// all) runs again with "trace": true, and the trace is held to the reference's states after every step. The
// corpus compares only emitted snapshots, and a trace is otherwise asked for only to diagnose a failure, so a
// port whose trace lies (a state recorded before its step is applied, the leader's store shown for every
// node) passed every vector; then its first failure sends a porter to the wrong step.
import { decodeVerdict, fieldAt, hexToBytes, runScenario, runSizes, shown, type TraceEntry } from "../../reference/index.js";
import { lineDiff } from "../../corpus/line_diff.js";
import { verdictLines } from "../../corpus/snapshot_text.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { Session } from "../adapter/session.js";
import type { Vector } from "../corpus.js";
import { TRACE_BUDGET } from "../diagnosis/bisect.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import { firstDifference, firstDivergence } from "../diagnosis/diagnose.js";
import type { ScenarioResult } from "../model.js";
import type { CheckKind } from "./check.js";

/** Every result of this check is named TRACE_PREFIX + the vector's name. */
export const TRACE_PREFIX = "trace/";

/** Characters of trace past which a vector is not in the sample: the reference's trace and the port's are both held and compared, for each adapter. */
export const SAMPLE_TRACE_CHARS = 1024 * 1024;

/** Each vector's trace size (reference/limits.ts), computed once for every adapter of the run: it runs the reference. */
const traceChars = new WeakMap<object, number>();
function traceSize(v: Vector): number {
  let n = traceChars.get(v.golden);
  if (n === undefined) traceChars.set(v.golden, (n = runSizes(v.golden.scenario).traceChars));
  return n;
}

/**
 * The vectors to trace among those that passed and whose features the adapter lists. `all`: every one whose
 * trace fits the runner's budget (a longer one would be bisected, not traced, so it proves nothing about the
 * trace). `sample`: the first of every topic whose trace is at most SAMPLE_TRACE_CHARS, so each kind of step
 * (crash, partition, compact, ...) is traced once and the sample stays cheap; a topic of only long scenarios
 * (random/ today) is left to `all`.
 */
export function tracedVectors(passed: readonly Vector[], features: ReadonlySet<string>, which: "sample" | "all"): Vector[] {
  const seen = new Set<string>();
  return passed.filter((v) => {
    if (!v.golden.features.every((f) => features.has(f))) return false;
    if (which === "all") return traceSize(v) <= TRACE_BUDGET;
    const topic = v.name.split("/")[0]!;
    if (seen.has(topic) || traceSize(v) > SAMPLE_TRACE_CHARS) return false;
    seen.add(topic);
    return true;
  });
}

/**
 * Where the port's trace first departs from the reference's: the step, its op, the nodes, and for the first
 * of them the byte, the field it falls in and the first decoded lines that differ. Null when they agree.
 */
export function traceDeparture(v: Vector, actual: readonly TraceEntry[]): string | null {
  const steps = v.golden.scenario.steps;
  const expected = runScenario(v.golden.scenario, { trace: true }).trace ?? [];
  const d = firstDivergence(steps, expected, actual);
  if (d === null) return raftDeparture(steps, expected, actual);
  const node = d.nodes[0]!;
  const e = expected[d.step]!.states[node - 1] ?? null;
  const a = actual[d.step]!.states[node - 1] ?? null;
  const nodes = `node${d.nodes.length > 1 ? "s" : ""} ${d.nodes.join(", ")}`;
  // Cut: a step can hold a 64 KiB key or value.
  const where = `after step ${d.step} ${shown(JSON.stringify(d.op), 160)} its trace departs from the reference's at ${nodes}`;
  // The shape was checked with the reply (runner/adapter/protocol.ts): null exactly where the reference has
  // null, so both are snapshots here; kept total all the same.
  if (e === null || a === null) return `${where}: node ${node} is ${a === null ? "null" : "a state"} where the reference's is ${e === null ? "null" : "a state"}`;
  const eb = hexToBytes(e);
  const ab = hexToBytes(a);
  const offset = firstDifference(eb, ab);
  const expectedVerdict = decodeVerdict(eb);
  const span = fieldAt(expectedVerdict.snapshot.spans, offset);
  const field = span === undefined ? "past the end of the reference's state" : `in ${span.field} (${span.rule})`;
  const changed = lineDiff(verdictLines(expectedVerdict), verdictLines(decodeVerdict(ab))).filter((l) => /^[-+] /.test(l));
  // Two decoded lines say what the state should hold and what the trace claims; the rest is in `rsm trace --exec`.
  const lines = changed.length > 0 ? `; ${[changed.find((l) => l.startsWith("-")), changed.find((l) => l.startsWith("+"))].filter((l) => l !== undefined).join(" / ")}` : "";
  return `${where}: node ${node}'s state differs at byte ${offset}, ${field}${lines}`;
}

/**
 * R-TRACE-1: where the port's raft states (role, vote, log) first depart from the reference's, when its
 * snapshots never do; null when they agree. The schema bounds each state to an enum and integers.
 */
function raftDeparture(steps: readonly { op: string }[], expected: readonly TraceEntry[], actual: readonly TraceEntry[]): string | null {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!.raft ?? [];
    const a = actual[i]?.raft ?? [];
    for (let k = 0; k < e.length; k++) {
      const want = JSON.stringify(e[k] ?? null);
      const got = JSON.stringify(a[k] ?? null);
      if (want !== got) return `after step ${i} ${shown(JSON.stringify(steps[i]!.op), 160)} its trace departs from the reference's at node ${k + 1}'s raft state: ${shown(got, 200)} where the reference's is ${want} (R-TRACE-1)`;
    }
  }
  return null;
}

/** One result for `v` from one traced run on `session`. */
async function traceOne(session: Session, v: Vector, isExpected: (name: string) => boolean): Promise<ScenarioResult> {
  const name = `${TRACE_PREFIX}${v.name}`;
  const base = { name, file: v.file, source: v.golden.source, expectedFailure: isExpected(name), diagnosis: null };
  const o = await session.run({ name: v.name, scenario: v.golden.scenario, scenarioText: v.scenarioText, trace: true, expected: v.golden.snapshots });
  if (o.kind === "aborted") return { ...base, status: "error", reason: `the run of ${v.name} with trace was never answered: an earlier request broke the adapter (R-PROTO-7)`, stderrTail: null, restarted: true, durationMs: 0 };
  if (o.kind === "broken") return { ...base, status: "error", reason: `the run of ${v.name} with trace broke the adapter, which answered it without trace: ${o.reason}${o.reason.includes("R-PROTO-7") ? "" : " (R-PROTO-7)"}`, stderrTail: o.stderr || null, restarted: true, durationMs: o.durationMs };
  if (o.kind === "refused") return { ...base, status: "failed", reason: `the run of ${v.name} with trace was answered with an error, which it answered without trace: ${o.message} (R-PROTO-7)`, stderrTail: o.stderr || null, restarted: false, durationMs: o.durationMs };
  const at = { stderrTail: null, restarted: false, durationMs: o.durationMs };
  // Asking for a trace adds it to the result and changes nothing else (R-PROTO-7).
  const cmp = compareSnapshots(v.golden.snapshots, o.snapshots);
  if (cmp.kind === "mismatch") {
    const offset = firstDifference(hexToBytes(cmp.expected.hex), hexToBytes(cmp.actualHex));
    return { ...base, ...at, status: "failed", reason: `with trace, the snapshot of step ${cmp.expected.step} node ${cmp.expected.node} differs from the golden at byte ${offset}, which the run without trace got right (R-PROTO-7: a trace adds to the result and changes nothing else)` };
  }
  const departure = traceDeparture(v, o.trace ?? []);
  if (departure !== null) return { ...base, ...at, status: "failed", reason: `${departure}, while its snapshots are the golden's: the trace does not show the states the port computes (R-PROTO-7)` };
  return { ...base, ...at, status: "passed", reason: null };
}

/** Traces `vectors` (which passed the main pass) in a session of their own; one result each. */
export async function traceChecks(adapter: FleetAdapter, vectors: readonly Vector[], isExpected: (name: string) => boolean): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let session: Session | null = null;
  for (const v of vectors) {
    session ??= await adapter.open(`the check ${TRACE_PREFIX}${v.name}`);
    if (session === null) break;
    const r = await traceOne(session, v, isExpected);
    results.push(r);
    // A broken session is replaced, so one lying trace does not leave the rest of the sample untraced.
    if (r.restarted || !session.alive) {
      session.kill();
      session = null;
    }
  }
  await session?.close();
  return results;
}

export const TRACE_CHECK: CheckKind = {
  names: [],
  prefix: TRACE_PREFIX,
  create: (s) =>
    s.traces === "off"
      ? null
      : {
          title: `traces${s.traces === "all" ? ", every vector" : ""}`,
          when: "after",
          run: async (i) => ({ results: await traceChecks(i.adapter, tracedVectors(i.passed, i.adapter.features, s.traces === "all" ? "all" : "sample"), i.isExpected), session: null }),
        },
};
