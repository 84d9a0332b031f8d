// The run's ranking of rules for one adapter (issue 23): its vectors' outcomes, each with the rules the vector
// declares and, for a failure, that failure's own evidence, handed to rankRules (ranking.ts); then every
// failure's likely rules ordered by it. One function for a run and for a merge of shards, which re-ranks from
// the merged results (each carries its declared rules and its evidence) rather than joining the shards'
// rankings, since a rule's score depends on every vector of the run.
import type { AdapterReport, ScenarioResult } from "../model.js";
import { hintRules, snapshotEvidence } from "./evidence.js";
import { orderByRanking, rankRules, type RankedRule, type VectorOutcome } from "./ranking.js";

const RULE_ID = /R-[A-Z]+-\d+/g;

/**
 * A failure's own likely rules, best first: a diagnosis's evidence once read (a merged report's, or one whose
 * trace note is no evidence), else read as the mutation benchmark reads it (hints first, snapshotEvidence),
 * else the ones the result holds (a decode vector's), else those its reason names.
 */
export function evidenceOf(r: ScenarioResult): string[] {
  const d = r.diagnosis;
  if (d !== null) return d.evidence !== undefined ? [...d.evidence] : snapshotEvidence(d);
  return [...(r.evidence ?? new Set(r.reason?.match(RULE_ID) ?? []))];
}

/**
 * The outcomes a ranking weighs: every result of a vector (one that declares its rules, even none), skips
 * left out since they say nothing of the port's code; a check's results and the decode matrix's cells are
 * no vectors and declare nothing.
 */
export function outcomesOf(results: readonly ScenarioResult[]): VectorOutcome[] {
  const outcomes: VectorOutcome[] = [];
  for (const r of results) {
    if (r.vector === undefined || r.status === "skipped") continue;
    const failed = r.status === "failed" || r.status === "error";
    outcomes.push({ name: r.name, ...r.vector, failed, ...(failed && { evidence: evidenceOf(r), hinted: r.diagnosis === null ? [] : hintRules(r.diagnosis) }) });
  }
  return outcomes;
}

/** The adapter with its ranking, and each failure's likely rules ordered by it (its evidence kept beside). */
export function withRanking(a: AdapterReport): AdapterReport {
  const { ranking, findings } = rankRules(outcomesOf(a.results));
  const results = a.results.map((r): ScenarioResult => {
    const d = r.diagnosis;
    if (d === null) return r;
    const evidence = evidenceOf(r);
    return { ...r, diagnosis: { ...d, evidence, rules: orderByRanking(evidence, ranking) } };
  });
  return { ...a, results, ranking: { rules: ranking, findings } };
}

/**
 * The top of the ranking, worth printing: the ranking holds only rules something in the run points at (a
 * failing vector declaring it, a failure's evidence, a finding), so a rule no failing vector declares may
 * still lead when every failure's diagnosis names it (a failure at scale, which declares nothing).
 */
export function topRules(a: AdapterReport, max = 3): RankedRule[] {
  return (a.ranking?.rules ?? []).slice(0, max);
}
