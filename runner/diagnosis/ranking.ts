// A STUB of part (c)'s ranking (issue 23), with its API's exact shape, so that the conformance run and its
// reports can be built against it before (c)'s version is merged: plain Ochiai over the declared rules, the
// per-failure evidence only breaking ties. (c)'s runner/diagnosis/ranking.ts replaces this file whole.
export interface VectorOutcome {
  readonly name: string;
  readonly rules: readonly string[];
  readonly failed: boolean;
  readonly evidence?: readonly string[];
}
export interface RankedRule {
  readonly id: string;
  readonly score: number;
  readonly failing: number;
  readonly declaring: number;
  readonly failingOthers: number;
  readonly others: number;
  readonly line: string;
}
export interface RunFinding {
  readonly rule: string | null;
  readonly line: string;
}

export function rankRules(outcomes: readonly VectorOutcome[]): { ranking: RankedRule[]; findings: RunFinding[] } {
  const totalFailing = outcomes.filter((o) => o.failed).length;
  const ids = new Set<string>();
  const support = new Map<string, number>();
  for (const o of outcomes) {
    for (const r of o.rules) ids.add(r);
    if (o.failed) (o.evidence ?? []).forEach((r, k) => support.set(r, (support.get(r) ?? 0) + 1 / (k + 1)));
  }
  const ranking = [...ids].map((id): RankedRule => {
    let failing = 0;
    let declaring = 0;
    for (const o of outcomes) {
      if (!o.rules.includes(id)) continue;
      declaring++;
      if (o.failed) failing++;
    }
    const others = outcomes.length - declaring;
    const failingOthers = totalFailing - failing;
    const ochiai = failing === 0 ? 0 : failing / Math.sqrt(totalFailing * declaring);
    const score = ochiai + (totalFailing === 0 ? 0 : (0.01 * (support.get(id) ?? 0)) / totalFailing);
    return { id, score, failing, declaring, failingOthers, others, line: `${id}: ${failing} of ${declaring} vectors declaring it fail, ${failingOthers} of ${others} others` };
  });
  ranking.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ranking, findings: [] };
}

export function orderByRanking(likely: readonly string[], ranking: readonly RankedRule[]): string[] {
  const place = new Map(ranking.filter((r) => r.failing > 0).map((r, k) => [r.id, k]));
  const at = (id: string) => place.get(id) ?? Number.POSITIVE_INFINITY;
  return [...likely].map((id, k) => ({ id, k })).sort((a, b) => at(a.id) - at(b.id) || a.k - b.k).map((x) => x.id);
}
