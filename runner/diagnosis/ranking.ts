// The rules a run's failures point at, ranked across the whole run. A failure diagnosed alone sees only its
// own bytes and step, and the symptom often points away from the cause (a compaction off by one shows only
// at a later restart). The run holds stronger evidence: which vectors failed and which passed, and every
// vector declares the rules it was written to pin. This is spectrum-based fault localization, with the
// declared rules as the "program elements" and the vectors as the tests, combined with what the per-failure
// diagnoses say (their likely rules, hints first).
import { specRuleSummaries } from "../../common/spec_rules.js";
import { runFindings, type RunFinding } from "./run_findings.js";
import type { VectorOutcome } from "./vector_outcome.js";

export type { RunFinding } from "./run_findings.js";
export type { VectorOutcome } from "./vector_outcome.js";
export { vectorFacts } from "./vector_outcome.js";

export interface RankedRule {
  readonly id: string;
  /** Higher is more suspicious. */
  readonly score: number;
  /** Failing vectors declaring it. */
  readonly failing: number;
  /** All vectors of the run declaring it. */
  readonly declaring: number;
  /** Failing vectors not declaring it. */
  readonly failingOthers: number;
  /** Vectors not declaring it. */
  readonly others: number;
  /** "R-INSTALL-1: 7 of 7 vectors declaring it fail, 0 of 250 others". */
  readonly line: string;
}

/**
 * A vector's main (first) rule is what it was written to pin; the others it pins on the way. A failing
 * vector is stronger evidence against its main rule, and a passing one clears its main rule more. A vector
 * has one unit of weight, shared among its rules in these proportions: one that pins three rules (a long
 * random history) says less about each than one written for a single rule, and it fails for almost any bug.
 */
const MAIN_WEIGHT = 1;
const OTHER_WEIGHT = 0.5;

/** Each rule's share of a vector's one unit of weight. */
function weights(rules: readonly string[]): Map<string, number> {
  const unique = [...new Set(rules)];
  const total = MAIN_WEIGHT + OTHER_WEIGHT * (unique.length - 1);
  return new Map(unique.map((id, i) => [id, (i === 0 ? MAIN_WEIGHT : OTHER_WEIGHT) / total]));
}

/**
 * A failure's evidence lists its hints' rules first (a hint fires only when the bytes leave no doubt), then
 * generic guesses from the field and the step; so its first rule counts most: position i counts
 * 1 / (1 + i)^2.
 */
const positionWeight = (i: number) => 1 / (1 + i) ** 2;

/** How much the per-failure diagnoses weigh against the spectrum; see rankRules. */
const EVIDENCE_WEIGHT = 0.5;

/** Fewer failures than this naming one rule first are no consensus. */
const UNANIMOUS_AT_LEAST = 3;

/** A run-level finding is near-certain when it fires, so the rule it names goes first. */
const FINDING_BONUS = 1;

/** Rule ids in SPEC.md's index order, the tie-break that keeps a ranking deterministic. */
function indexOrder(): ReadonlyMap<string, number> {
  return new Map([...specRuleSummaries().keys()].map((id, i) => [id, i]));
}

interface Tally {
  failingWeight: number;
  passingWeight: number;
  failing: number;
  declaring: number;
  /** Sum over failures of 1 / (1 + the rule's position in that failure's evidence). */
  evidence: number;
  /** Failures whose evidence names it first. */
  namedFirst: number;
  /** Failures whose evidence names it first because a hint does. */
  hintedFirst: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Ranks every rule that a failing vector declares or a failure's diagnosis names. The spectrum score is
 * Ochiai's, ef / sqrt(F * (ef + ep)) over the weighted declarations (ef, ep: failing and passing vectors
 * declaring the rule; F: all failing vectors). Ochiai rather than Tarantula or DStar: Abreu, Zoeteweij and
 * van Gemund ("On the Accuracy of Spectrum-based Fault Localization", 2007) found it the most accurate of the
 * similarity coefficients and largely independent of test design, which matters here because the corpus was
 * not designed for it; Tarantula ignores how many failures a rule explains (one failing vector of one gets
 * its top score), and DStar's ef^2 / (ep + nf) is unbounded, so a rule declared by one failing vector and no
 * passing one would outrank everything whenever the failures are few. Then the diagnoses vote: each failure
 * gives a rule positionWeight(its position) in that failure's evidence, averaged over the failures, so a rule
 * every diagnosis names first adds EVIDENCE_WEIGHT. The vote is weighed down by how well the rule's own vectors
 * passed (times ef / (ef + ep), the share of its declaring vectors that fail, or 1 when none declares it),
 * because a symptom's rule is often one whose own vectors pass: a compaction off by one shows at a later
 * restart, and R-RESTART-2's vectors all pass; but not when every failure's diagnosis names it first.
 */
export function rankRules(outcomes: readonly VectorOutcome[]): { ranking: RankedRule[]; findings: RunFinding[] } {
  const failures = outcomes.filter((o) => o.failed);
  const findings = runFindings(outcomes);
  if (failures.length === 0) return { ranking: [], findings };
  const tallies = new Map<string, Tally>();
  const tally = (id: string): Tally => {
    let t = tallies.get(id);
    if (t === undefined) tallies.set(id, (t = { failingWeight: 0, passingWeight: 0, failing: 0, declaring: 0, evidence: 0, namedFirst: 0, hintedFirst: 0 }));
    return t;
  };
  for (const o of outcomes) {
    for (const [id, w] of weights(o.rules)) {
      const t = tally(id);
      t.declaring++;
      if (o.failed) {
        t.failing++;
        t.failingWeight += w;
      } else t.passingWeight += w;
    }
  }
  for (const o of failures) {
    [...new Set(o.evidence ?? [])].forEach((id, i) => {
      const t = tally(id);
      t.evidence += positionWeight(i);
      if (i === 0) t.namedFirst++;
      if (i === 0 && (o.hinted ?? []).includes(id)) t.hintedFirst++;
    });
  }
  const named = new Set(findings.map((f) => f.rule).filter((r): r is string => r !== null));
  for (const id of named) tally(id);
  const total = outcomes.length;
  const order = indexOrder();
  const ranking: RankedRule[] = [];
  for (const [id, t] of tallies) {
    if (t.failing === 0 && t.evidence === 0 && !named.has(id)) continue; // nothing against it in this run
    const ef = t.failingWeight;
    const ep = t.passingWeight;
    const ochiai = ef === 0 ? 0 : ef / Math.sqrt(failures.length * (ef + ep));
    // Unless every failure's diagnosis names it first: then the failures agree on what they see (a CRC that
    // disagrees with the port's own bytes, in every snapshot), and its passing vectors may pin another side
    // of it (R-WIRE-7's decode vectors check a decoder, not the encoder that broke).
    const unanimous = failures.length >= UNANIMOUS_AT_LEAST && t.namedFirst === failures.length;
    // And as far as the failures' hints agree on it first: a hint names its rule only when the bytes leave no
    // doubt (a crash that kept the store, a node frozen in P showing the leader's state), and such a rule's own
    // vectors can all pass, since the symptom shows in vectors written for another rule.
    const agreed = failures.length >= UNANIMOUS_AT_LEAST ? t.hintedFirst / failures.length : 0;
    const cleared = unanimous || ef + ep === 0 ? 1 : Math.max(ef / (ef + ep), agreed);
    const vote = (EVIDENCE_WEIGHT * t.evidence * cleared) / failures.length;
    const score = ochiai + vote + (named.has(id) ? FINDING_BONUS : 0);
    const failingOthers = failures.length - t.failing;
    const others = total - t.declaring;
    let line = `${id}: ${t.failing} of ${plural(t.declaring, "vector", "vectors")} declaring it fail, ${failingOthers} of ${others} others`;
    if (t.namedFirst > 0) line += `; the first likely rule of ${t.namedFirst} of ${plural(failures.length, "failure", "failures")}`;
    ranking.push({ id, score, failing: t.failing, declaring: t.declaring, failingOthers, others, line });
  }
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  ranking.sort((a, b) => b.score - a.score || rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ranking, findings };
}

/**
 * A failure's likely rules in the run's order: those the ranking has by their rank, then the rest in their
 * own order. Without repeats.
 */
export function orderByRanking(likely: readonly string[], ranking: readonly RankedRule[]): string[] {
  const position = new Map(ranking.map((r, i) => [r.id, i]));
  const unique = [...new Set(likely)];
  const ranked = unique.filter((id) => position.has(id)).sort((a, b) => position.get(a)! - position.get(b)!);
  return [...ranked, ...unique.filter((id) => !position.has(id))];
}
