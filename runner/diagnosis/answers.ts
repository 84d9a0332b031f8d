// Two answers to the same request, compared and told apart. R-PROTO-11 says the same request gives the same
// bytes, so before the runner blames a port's semantics, the environment or a malformed line for a wrong
// answer, it asks once more (runner/adapter/second_try.ts); two answers that differ make the verdict
// `nondeterministic`, with both shown here, instead of a diagnosis of either: a diagnosis of one of two
// answers would send the porter after a bug in the wrong place.
import { bytesToHex, decodeVerdict, fieldAt, hexToBytes, shown, type SnapshotEntry } from "../../reference/index.js";
import type { RunOutcome } from "../adapter/session.js";
import type { ScenarioResult } from "../model.js";
import { firstDifference } from "./diagnose.js";

/** A verdict before it is named: what the corpus and the checks make of answers. */
export type Verdict = Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure">;

/**
 * Whether two answers are the same: the same bytes, or both an error reply, or both a broken adapter (their
 * messages may name a pid or an address and still be the same failure). Null when either is no answer at
 * all (a timeout, or never sent): silence on a busy machine is not another answer.
 */
export function sameAnswer(a: RunOutcome, b: RunOutcome): boolean | null {
  if (a.kind === "aborted" || b.kind === "aborted") return null;
  if ((a.kind === "broken" && a.timedOut) || (b.kind === "broken" && b.timedOut)) return null;
  if (a.kind === "result" && b.kind === "result") return a.snapshots.length === b.snapshots.length && a.snapshots.every((s, i) => s.hex === b.snapshots[i]!.hex);
  return a.kind === b.kind;
}

/** Bytes shown of each answer around the first byte where they differ. */
const WINDOW = 16;

/** Where snapshot `actual` first differs from `against`: its step, node, byte, field, and the bytes there. */
function differenceText(against: SnapshotEntry, actual: SnapshotEntry, whose: string): string {
  const e = hexToBytes(against.hex);
  const a = hexToBytes(actual.hex);
  const offset = firstDifference(e, a);
  const span = fieldAt(decodeVerdict(e).snapshot.spans, offset);
  const start = Math.max(0, offset - 4);
  const bytes = (b: Uint8Array) => bytesToHex(b.subarray(start, start + WINDOW)) || "(nothing)";
  return `the snapshot of step ${actual.step} node ${actual.node} differs from ${whose} at byte ${offset}${span ? `, in ${span.field}` : ""}: bytes ${start}.. are ${bytes(a)}, ${whose}'s ${bytes(e)}`;
}

/** One line: what the answer was, against the golden's snapshots when known. */
export function answerText(o: RunOutcome, expected: readonly SnapshotEntry[] | undefined): string {
  switch (o.kind) {
    case "aborted":
      return "never answered";
    case "refused":
      return `an error reply: ${shown(o.message, 200)}`;
    case "broken":
      return shown(o.reason, 300);
    case "result": {
      if (expected === undefined) return "a result";
      const i = expected.findIndex((e, k) => o.snapshots[k]?.hex !== e.hex);
      return i === -1 ? "the golden's bytes" : differenceText(expected[i]!, o.snapshots[i]!, "the golden");
    }
  }
}

/** One line: where two answers that are not the same part (the first differing snapshot when both are results). */
export function whereTheyDiffer(first: RunOutcome, second: RunOutcome): string {
  if (first.kind === "result" && second.kind === "result") {
    const i = first.snapshots.findIndex((s, k) => second.snapshots[k]?.hex !== s.hex);
    if (i !== -1) return differenceText(first.snapshots[i]!, second.snapshots[i]!, "the first answer").replace(/^the snapshot/, "in the second answer, the snapshot");
  }
  const what = (o: RunOutcome) => (o.kind === "result" ? "a result" : o.kind === "refused" ? "an error reply" : o.kind === "broken" ? "a broken adapter" : "no answer");
  return `${what(first)}, then ${what(second)}`;
}

/** The two answers of a nondeterministic verdict as the report keeps them, each one line. */
export function answersOf(first: RunOutcome, second: RunOutcome, expected: readonly SnapshotEntry[] | undefined, labels: readonly [string, string]): [string, string] {
  return [`${labels[0]}: ${answerText(first, expected)}`, `${labels[1]}: ${answerText(second, expected)}`];
}

/** The verdict on two answers to one request that differ (R-PROTO-11), both shown, neither diagnosed. */
export function nondeterministic(name: string, expected: readonly SnapshotEntry[] | undefined, first: RunOutcome, second: RunOutcome, labels: readonly [string, string]): Verdict {
  return {
    status: "failed",
    kind: "nondeterministic",
    answers: answersOf(first, second, expected, labels),
    reason: `nondeterministic: ${name} was answered differently when asked again (R-PROTO-11: the same request gives the same bytes); ${whereTheyDiffer(first, second)}`,
    stderrTail: (first.kind !== "aborted" && first.stderr) || (second.kind !== "aborted" && second.stderr) || null,
    restarted: first.kind === "broken",
    diagnosis: null,
    durationMs: first.kind === "aborted" ? 0 : first.durationMs,
  };
}
