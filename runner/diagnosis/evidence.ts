// What one failure says about its cause, as the run-level ranking (ranking.ts) takes it: rule ids, best
// first. One function per kind of failure, so the conformance run and the mutation benchmark read a failure
// the same way.
import type { Diagnosis } from "./diagnose.js";

const RULE_ID = /\bR-[A-Z]+-\d+\b/g;

/** The rules a diagnosis's hints name, in order. */
export function hintRules(d: Pick<Diagnosis, "hints">): string[] {
  return [...new Set(d.hints.flatMap((line) => line.match(RULE_ID) ?? []))];
}

/**
 * A snapshot mismatch: the rules its hints name (a hint fires only when the bytes leave no doubt), those the
 * trace note names (R-SNAP-3 when the port's trace agrees with the reference throughout), then the
 * diagnosis's likely rules (field, the step where the state diverged, the key's history).
 */
export function snapshotEvidence(d: Pick<Diagnosis, "hints" | "traceNote" | "rules">): string[] {
  return [...new Set([...hintRules(d), ...(d.traceNote?.match(RULE_ID) ?? []), ...d.rules])];
}

// A decode failure (SPEC.md 4.1): the check that should have decided and the one that did.

/** A decoder's verdict as far as the rules go: accepted, or rejected by a rule. */
export type VerdictRule = { readonly type: "decoded" } | { readonly type: "rejected"; readonly rule: string };

/** Where the reference's check failed, in the input's bytes: what a length the port misread looked like. */
export interface RejectedAt {
  readonly hex: string;
  readonly offset: number;
}

/**
 * A length field of 2^31 or more where the reference rejects R-DECODE-5: the one input on which a decoder
 * that reads lengths as signed 32-bit integers (a negative length passes its bound check) answers otherwise.
 * R-DECODE-5's offset is that of the field the length would carry past the CRC, so the length is the 4
 * bytes before it.
 */
function signedLength(expected: VerdictRule, at: RejectedAt | undefined): boolean {
  if (at === undefined || expected.type !== "rejected" || expected.rule !== "R-DECODE-5" || at.offset < 4) return false;
  const field = at.hex.slice(2 * (at.offset - 4), 2 * at.offset);
  return field.length === 8 && Number.parseInt(field, 16) >= 2 ** 31;
}

/** Best first; the rule expected to reject comes first, since a missing or late check is the commoner bug. */
export function decodeEvidence(expected: VerdictRule, actual: VerdictRule, at?: RejectedAt): string[] {
  // Accepted as expected but decoded differently: the fields or the keys read wrong.
  if (expected.type === "decoded") return actual.type === "decoded" ? ["R-DECODE-12"] : [actual.rule, "R-DECODE-12"];
  const signed = signedLength(expected, at) ? ["R-DECODE-11"] : [];
  if (actual.type === "decoded") return [...signed, expected.rule];
  // Both rejected, by different rules: either check may be wrong, and so may their order.
  return [...new Set([...signed, expected.rule, actual.rule, "R-DECODE-9"])];
}
