// Invariants of the model (SPEC.md R-LOG-2, R-APPLY-1, R-COMMIT-2). A failure here is a bug in the
// reference itself, never in a scenario: scenarios are validated before they run.
class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
}

export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}
