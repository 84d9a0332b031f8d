// A problem found in a scenario: where (JSON path), which rule, and what was expected.
export interface Problem {
  /** As SPEC.md writes it: steps[7].node, cluster.leader, (root). */
  readonly path: string;
  /** A SPEC.md rule id, e.g. R-CRASH-1. */
  readonly rule: string;
  readonly message: string;
}

/** `file path: message (rule)`, the one-line form every tool of the kit prints. */
export function formatProblem(file: string, p: Problem): string {
  return `${file} ${p.path}: ${p.message} (${p.rule})`;
}

/** A short, printable rendering of a JSON value for "got ..." in messages. */
export function preview(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
