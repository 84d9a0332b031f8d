// What one failure says about its cause, as the run-level ranking (ranking.ts) takes it: rule ids, best
// first. One function per kind of failure, so the conformance run and the mutation benchmark read a failure
// the same way.
import type { Diagnosis } from "./diagnose.js";

const RULE_ID = /\bR-[A-Z]+-\d+\b/g;

/**
 * A snapshot mismatch: the rules its hints name (a hint fires only when the bytes leave no doubt), those the
 * trace note names (R-SNAP-3 when the port's trace agrees with the reference throughout), then the
 * diagnosis's likely rules (field, the step where the state diverged, the key's history).
 */
export function snapshotEvidence(d: Pick<Diagnosis, "hints" | "traceNote" | "rules">): string[] {
  const named = [...d.hints, d.traceNote ?? ""].flatMap((line) => line.match(RULE_ID) ?? []);
  return [...new Set([...named, ...d.rules])];
}

// A decode failure (SPEC.md 4.1): the check that should have decided and the one that did.

/** A decoder's verdict as far as the rules go: accepted, or rejected by a rule. */
export type VerdictRule = { readonly type: "decoded" } | { readonly type: "rejected"; readonly rule: string };

/** Best first; the rule expected to reject comes first, since a missing or late check is the commoner bug. */
export function decodeEvidence(expected: VerdictRule, actual: VerdictRule): string[] {
  // Accepted as expected but decoded differently: the fields or the keys read wrong.
  if (expected.type === "decoded") return actual.type === "decoded" ? ["R-DECODE-12"] : [actual.rule, "R-DECODE-12"];
  if (actual.type === "decoded") return [expected.rule];
  // Both rejected, by different rules: either check may be wrong, and so may their order.
  return [...new Set([expected.rule, actual.rule, "R-DECODE-9"])];
}
