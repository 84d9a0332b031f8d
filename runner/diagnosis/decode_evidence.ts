// A decode failure's likely rules (SPEC.md 4.1), the evidence the run-level ranking takes from it: the
// check that should have decided and the one that did.

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
