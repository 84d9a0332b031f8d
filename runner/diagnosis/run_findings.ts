// Run-level hints: causes that no single failure shows but the pattern of a run's failures does. Like the
// per-failure hints (hints.ts) each fires only when the evidence is plain, and says what it saw.
import type { VectorOutcome } from "./vector_outcome.js";

export interface RunFinding {
  /** The rule the finding names, which the ranking puts first; null when it names none. */
  readonly rule: string | null;
  readonly line: string;
}

/** The rule that says what a feature's step or request does (SPEC.md section 6 lists the features). */
const FEATURE_RULES: Readonly<Record<string, string>> = {
  append: "R-APPEND-1",
  incr: "R-INCR-1",
  cas: "R-CAS-1",
  crash: "R-CRASH-3",
  compact: "R-COMPACT-2",
  decode: "R-PROTO-13",
};

/**
 * A feature that does nothing fails every vector in which its step changes a byte, and a few in which it
 * changes none pass (compaction alone is invisible until a restart); a bug in one rule of a feature fails a
 * handful of its vectors. So: every failure needs the feature, and at least this share of its vectors fail.
 */
const MOST_OF_THE_FEATURE = 0.6;
/** Fewer vectors than this are no pattern. */
const AT_LEAST = 3;

/** A feature listed but not implemented: every failing vector needs F, and most vectors needing F fail. */
function unimplementedFeature(outcomes: readonly VectorOutcome[], failures: readonly VectorOutcome[]): RunFinding[] {
  const findings: RunFinding[] = [];
  for (const [feature, rule] of Object.entries(FEATURE_RULES)) {
    if (!failures.every((o) => o.features?.includes(feature))) continue;
    const needing = outcomes.filter((o) => o.features?.includes(feature));
    const failing = needing.filter((o) => o.failed).length;
    if (failing < AT_LEAST || failing < MOST_OF_THE_FEATURE * needing.length) continue;
    const others = outcomes.length - needing.length;
    findings.push({
      rule,
      line:
        `every failing vector needs feature ${feature} (${failing} of the ${needing.length} that need it fail, 0 of ${others} others): ` +
        `is ${feature} listed in the hello but not implemented, or implemented only in part? (${rule})`,
    });
  }
  // A vector needing two features (compact and crash) makes both fit; the one fewer vectors need is the sharper.
  return findings.sort((a, b) => count(outcomes, a) - count(outcomes, b)).slice(0, 1);
}

const count = (outcomes: readonly VectorOutcome[], f: RunFinding) => outcomes.filter((o) => o.features?.some((x) => FEATURE_RULES[x] === f.rule)).length;

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
