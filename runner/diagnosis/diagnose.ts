// Explaining a byte mismatch: saying exactly where and why a port went wrong. Given the port's trace of the
// failing scenario and the reference's, it finds the first step and node at which the port's state
// diverged, the first differing byte of the mismatching snapshot and the wire-format field it falls in, a
// line diff of both snapshots decoded, whether the port's CRC agrees with its own bytes, the rules likely
// involved, and hints naming the cause when the bytes show a common port mistake unambiguously (hints.ts).
import { bytesToHex, decodeVerdict, fieldAt, hexToBytes, runScenario, type GoldenVector, type SnapshotEntry, type SnapshotRead, type Step, type TraceEntry } from "../../reference/index.js";
import { lineDiff } from "../../corpus/line_diff.js";
import { rejectionText, verdictLines } from "../../corpus/snapshot_text.js";
import { diagnosisHints, type SnapshotWithPairs } from "./hints.js";
import { inertCompactHint } from "./inert_hint.js";
import { likelyRules } from "./rules.js";
import { raftHint } from "./raft_hint.js";
import { compactionRules, historyHints } from "./history_hints.js";

export interface Divergence {
  readonly step: number;
  readonly op: Step;
  /** Every node whose state differs after that step, ascending. */
  readonly nodes: number[];
}

export interface Diagnosis {
  /** The first snapshot of the result that differs from the golden. */
  readonly snapshot: { readonly index: number; readonly step: number; readonly node: number };
  readonly offset: number;
  /** The field of the expected snapshot that byte falls in, or null past its end. */
  readonly field: string | null;
  readonly fieldRule: string | null;
  readonly divergence: Divergence | null;
  /** Why there is no divergence: the trace re-run failed, or the trace agrees with the reference. */
  readonly traceNote: string | null;
  /** The likely rules, best first: this failure's own evidence, ordered by the run's ranking once it is known. */
  readonly rules: string[];
  /**
   * This failure's own likely rules (field, step, hints), before the run's ranking ordered `rules`: what a
   * ranking, again after a merge of shards, weighs. Absent: the same as `rules`.
   */
  readonly evidence?: readonly string[];
  /**
   * One line each, naming the likely cause and its rule, only when the bytes leave no doubt (a key length
   * that is the key's UTF-16 length, a CRC that is zlib's crc32, ...); usually empty.
   */
  readonly hints: string[];
  /** Null when the actual bytes are not section 4's layout (R-DECODE-1, -5 or -6). */
  readonly crcSelfConsistent: boolean | null;
  /** And then the rule that says so, where and why. */
  readonly decodeError: string | null;
  /**
   * Lines "  ...", "- ...", "+ ...": expected against actual, decoded, each ending with the rule that rejects
   * it if one does (SPEC.md 4.1). Actual bytes that are not section 4's layout show the fields read before
   * decoding stopped, then the bytes around the point where it stopped.
   */
  readonly diff: string[];
  readonly expectedHex: string;
  readonly actualHex: string;
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** The first step, and the nodes at it, where two traces disagree; null when they agree throughout. */
export function firstDivergence(steps: readonly Step[], expected: readonly TraceEntry[], actual: readonly TraceEntry[]): Divergence | null {
  for (let i = 0; i < steps.length; i++) {
    const e = expected[i]?.states ?? [];
    const a = actual[i]?.states ?? [];
    const nodes: number[] = [];
    for (let k = 0; k < Math.max(e.length, a.length); k++) if (e[k] !== a[k]) nodes.push(k + 1);
    if (nodes.length > 0) return { step: i, op: steps[i]!, nodes };
  }
  return null;
}

/** The pairs walked once into an array, which the hints and rules index. */
const withPairs = (s: SnapshotRead): SnapshotWithPairs => ({ ...s, pairs: [...s.pairs] });

/** Bytes shown around the first difference when the decoded lines cannot show it. */
const WINDOW = 32;

/**
 * The decoded lines cut keys and values at 48 bytes, so a difference deep inside a 70 KB value leaves them
 * equal; then the raw bytes around the first differing offset are shown instead.
 */
function byteWindow(expected: Uint8Array, actual: Uint8Array, offset: number): string[] {
  const start = Math.max(0, offset - 8);
  const show = (b: Uint8Array) => bytesToHex(b.subarray(start, start + WINDOW)) || "(nothing)";
  const end = start + WINDOW - 1;
  return [`- bytes ${start}..${end}: ${show(expected)}`, `+ bytes ${start}..${end}: ${show(actual)}`];
}

/** Bytes shown on each side of the point where decoding stopped. */
const STOP_WINDOW = 16;

/** The bytes around the point where the actual bytes stopped decoding, "|" there, and the expected's beside. */
function stopWindow(expected: Uint8Array, actual: Uint8Array, stop: number): string[] {
  const start = Math.max(0, stop - STOP_WINDOW);
  const end = stop + STOP_WINDOW - 1;
  const show = (b: Uint8Array) => `${bytesToHex(b.subarray(start, stop)) || "(nothing)"} | ${bytesToHex(b.subarray(stop, end + 1)) || "(nothing)"}`;
  return [`- bytes ${start}..${end}: ${show(expected)}`, `+ bytes ${start}..${end}, decoding stopped at ${stop}: ${show(actual)}`];
}

/**
 * `adapterTrace` is the port's trace of the same scenario, or a string saying why there is none (the re-run
 * with trace failed). The reference's trace is computed here, from the golden's normalized scenario.
 */
export function diagnose(
  vector: GoldenVector,
  index: number,
  expected: SnapshotEntry,
  actualHex: string,
  adapterTrace: readonly TraceEntry[] | string | { readonly divergence: Divergence | null; readonly note: string | null },
): Diagnosis {
  const steps = vector.scenario.steps;
  let divergence: Divergence | null = null;
  let traceNote: string | null = null;
  // The first election state that differs (R-TRACE-1), when the port's trace has them.
  let raft: string | null = null;
  if (typeof adapterTrace === "string") traceNote = adapterTrace;
  else if ("divergence" in adapterTrace) {
    // Found by bisecting prefixes (runner/diagnosis/bisect.ts), for a scenario whose trace would be too big to ask for.
    divergence = adapterTrace.divergence;
    traceNote = adapterTrace.note;
  } else {
    // The trace's shape was checked with the reply (R-PROTO-7, runner/adapter/protocol.ts).
    const referenceTrace = runScenario(vector.scenario, { trace: true }).trace ?? [];
    divergence = firstDivergence(steps, referenceTrace, adapterTrace);
    raft = raftHint(vector.scenario, referenceTrace, adapterTrace);
    // The trace agrees but the emitted snapshot does not: the port's snapshot step itself is at fault.
    if (divergence === null) traceNote = "the port's trace matches the reference at every step, so its snapshot step output disagrees with its own state (R-SNAP-3)";
  }
  const expectedBytes = hexToBytes(expected.hex);
  const actualBytes = hexToBytes(actualHex);
  const offset = firstDifference(expectedBytes, actualBytes);
  const expectedVerdict = decodeVerdict(expectedBytes);
  const actualVerdict = decodeVerdict(actualBytes);
  const exp = withPairs(expectedVerdict.snapshot);
  const act = withPairs(actualVerdict.snapshot);
  // Null when the actual bytes are not section 4's layout: only what was read before it broke can be compared.
  const whole = act.broken === null ? act : null;
  const span = fieldAt(exp.spans, offset);
  let diff = lineDiff(verdictLines(expectedVerdict), verdictLines(actualVerdict));
  // Any other change moves the CRC (and so the verdict), so a diff whose only changed lines are those has hidden the cause.
  const shown = diff.some((l) => /^[-+] /.test(l) && !/^[-+] (crc|rejected:) /.test(l));
  if (!shown && span?.field !== "crc") diff = [...diff, ...byteWindow(expectedBytes, actualBytes, offset)];
  if (act.broken !== null) diff = [...diff, ...stopWindow(expectedBytes, actualBytes, act.end)];
  const portStates = Array.isArray(adapterTrace) ? (adapterTrace as readonly TraceEntry[])[expected.step]?.states : undefined;
  const divergedStates = Array.isArray(adapterTrace) && divergence !== null ? (adapterTrace as readonly TraceEntry[])[divergence.step]?.states : undefined;
  const inert = inertCompactHint(vector.scenario, index, actualHex);
  const history = historyHints({ scenario: vector.scenario, snapshot: { step: expected.step, node: expected.node }, divergence, expected: exp, actual: whole, ...(portStates && { portStates }), ...(divergedStates && { divergedStates }) });
  return {
    snapshot: { index, step: expected.step, node: expected.node },
    offset,
    field: span?.field ?? null,
    fieldRule: span?.rule ?? null,
    divergence,
    traceNote,
    rules: likelyRules({
      field: span?.field ?? null,
      divergence: divergence?.op ?? null,
      scenario: vector.scenario,
      expected: exp,
      actual: whole,
      lead: history.map((h) => h.rule),
      compaction: compactionRules(vector.scenario, divergence, expected.node),
    }),
    hints: [...(raft === null ? [] : [raft]), ...(inert === null ? [] : [inert]), ...history.map((h) => h.line), ...diagnosisHints({ scenario: vector.scenario, expected: exp, actualBytes, actual: whole, pairsRead: act.pairs, span })],
    crcSelfConsistent: whole && whole.crc === whole.computedCrc,
    decodeError: act.broken && rejectionText(act.broken),
    diff,
    expectedHex: expected.hex,
    actualHex,
  };
}
