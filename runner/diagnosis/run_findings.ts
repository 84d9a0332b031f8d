// Run-level hints: causes that no single failure shows but the pattern of a run's failures does. Like the
// per-failure hints (hints.ts) each fires only when the evidence is plain, and says what it saw.
import { INERT_COMPACT_RULE } from "./inert_hint.js";
import type { VectorOutcome } from "./vector_outcome.js";

export interface RunFinding {
  /** The rule the finding names, which the ranking puts first; null when it names none. */
  readonly rule: string | null;
  readonly line: string;
}

/**
 * A feature that does nothing fails every vector in which its step changes a byte, and a few in which it
 * changes none pass (compaction alone is invisible until a restart); a bug in one rule of a feature fails a
 * handful of its vectors. The share of the feature's vectors that fail cannot tell the two apart (a
 * little-endian incr fails as large a share of the incr vectors as a compact that does nothing fails of the
 * compact vectors), so the finding also needs every failure's own diagnosis to name the feature's rule
 * first, which for compact is what inert_hint.ts's hint does when a snapshot is exactly the scenario's
 * without its compact steps. Only compact has such a check: a port cannot leave a client command or a crash
 * undone without failing at the step itself, where the diagnosis already names its rule.
 */
const FEATURE_RULES: Readonly<Record<string, string>> = { compact: INERT_COMPACT_RULE };

/** At least this share of the vectors needing the feature fail. */
const MOST_OF_THE_FEATURE = 0.6;
/** Fewer failures than this are no pattern. */
const AT_LEAST = 3;

/** A feature listed but not implemented: every failing vector needs F and its diagnosis names F's rule first, and most vectors needing F fail. */
function unimplementedFeature(outcomes: readonly VectorOutcome[], failures: readonly VectorOutcome[]): RunFinding[] {
  const findings: RunFinding[] = [];
  for (const [feature, rule] of Object.entries(FEATURE_RULES)) {
    if (!failures.every((o) => o.features?.includes(feature) && o.evidence?.[0] === rule)) continue;
    const needing = outcomes.filter((o) => o.features?.includes(feature));
    if (failures.length < AT_LEAST || failures.length < MOST_OF_THE_FEATURE * needing.length) continue;
    const others = outcomes.length - needing.length;
    findings.push({
      rule,
      line:
        `every failing vector needs feature ${feature} and its diagnosis names ${rule} first (${failures.length} of the ${needing.length} that need it fail, 0 of ${others} others): ` +
        `is ${feature} listed in the hello but not implemented?`,
    });
  }
  return findings;
}

/** Below this many keys a failure is no sign of a size limit. */
const LARGE = 100;
const ORDER_RULE = "R-STORE-1";

/**
 * An order that breaks only past a size: every failure has many keys and its diagnosis names the key order,
 * while the ordering vectors with fewer keys pass.
 */
function orderPastSize(outcomes: readonly VectorOutcome[], failures: readonly VectorOutcome[]): RunFinding[] {
  if (!failures.every((o) => o.keys !== undefined && o.keys >= LARGE)) return [];
  const diagnosed = failures.filter((o) => o.evidence !== undefined && o.evidence.length > 0);
  if (diagnosed.length === 0 || !diagnosed.every((o) => o.evidence!.includes(ORDER_RULE))) return [];
  const smallest = Math.min(...failures.map((o) => o.keys!));
  const smaller = outcomes.filter((o) => o.rules.includes(ORDER_RULE) && (o.keys ?? Infinity) < smallest);
  if (smaller.length < AT_LEAST || smaller.some((o) => o.failed)) return [];
  const largest = Math.max(...smaller.map((o) => o.keys!));
  return [
    {
      rule: ORDER_RULE,
      line:
        `every failing vector has ${smallest.toLocaleString("en-US")} keys or more and the diagnosis sees the key order, while the ${smaller.length} ordering vectors ` +
        `with at most ${largest.toLocaleString("en-US")} keys pass: the key order breaks only past a size (${ORDER_RULE}; e.g. a sort that switches method for big inputs, ` +
        "or a map whose iteration order changes as it grows)",
    },
  ];
}

export function runFindings(outcomes: readonly VectorOutcome[]): RunFinding[] {
  const failures = outcomes.filter((o) => o.failed);
  if (failures.length === 0) return [];
  return [...unimplementedFeature(outcomes, failures), ...orderPastSize(outcomes, failures)];
}
