// The mutation self-test: every variant must fail at least one golden vector, or the corpus has a hole.
import { createHash } from "node:crypto";
import path from "node:path";
import type { GoldenVector } from "../../reference/index.js";
import { loadCorpus } from "../../runner/corpus.js";
import { loadDecodeVectors } from "../../runner/checks/decode.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";
import { GOLDEN_DIR } from "../../corpus/scenario_files.js";
import { rankRules, type RankedRule, type RunFinding, type VectorOutcome } from "../../runner/diagnosis/ranking.js";
import { decodeOutcome, scenarioOutcome, type Answered } from "./failures.js";
import { loadMutant } from "./mutants.js";
import { VARIANTS, type Variant } from "./variants.js";

export interface VariantOutcome {
  readonly variant: Variant;
  /** Names of the goldens whose snapshots the variant gets wrong (or on which it throws). */
  readonly caughtBy: string[];
  /** The run's rules ranked across its failures, as a conformance run of this variant would print them. */
  readonly ranking: RankedRule[];
  readonly findings: RunFinding[];
  /** Where the variant's own rule (its first) ranks, from 1; null when the ranking lacks it. */
  readonly rank: number | null;
  /**
   * Other variants that answer every golden exactly as this one does. No diagnosis can tell such variants
   * apart, so at most one of their rules can rank first; `classRank` is where the best of them ranks.
   */
  readonly sameAnswers: string[];
  readonly classRank: number | null;
  /** What the ranking was built from: every golden's outcome for this variant. */
  readonly vectors: VectorOutcome[];
}

/** The committed goldens, read and checked by the runner's own corpus loader. */
export async function loadGoldens(root: string): Promise<GoldenVector[]> {
  return (await loadCorpus(path.join(root, GOLDEN_DIR))).map((v) => v.golden);
}

/** The committed decode goldens (SPEC.md section 8): the kill signal of the decoder's variants. */
export async function loadDecodeGoldens(root: string): Promise<DecodeGolden[]> {
  return (await loadDecodeVectors(path.join(root, GOLDEN_DIR))).map((v) => v.golden);
}

export async function runMutation(root: string, variants: readonly Variant[] = VARIANTS, goldens?: readonly GoldenVector[], decodeGoldens?: readonly DecodeGolden[]): Promise<VariantOutcome[]> {
  goldens ??= await loadGoldens(root);
  decodeGoldens ??= await loadDecodeGoldens(root);
  const runs: { variant: Variant; vectors: VectorOutcome[]; answers: string; ranking: RankedRule[]; findings: RunFinding[] }[] = [];
  for (const variant of variants) {
    const mutant = await loadMutant(root, variant);
    const answered: Answered[] = decodeGoldens.map((g) => decodeOutcome(mutant, g));
    for (const g of goldens) answered.push(await scenarioOutcome(mutant, g));
    const vectors = answered.map((a) => a.outcome);
    const answers = createHash("sha256").update(JSON.stringify(answered.map((a) => a.answer))).digest("hex");
    runs.push({ variant, vectors, answers, ...rankRules(vectors) });
  }
  return runs.map(({ variant, vectors, answers, ranking, findings }) => {
    const rankOf = (rule: string | undefined) => {
      const at = ranking.findIndex((r) => r.id === rule);
      return at < 0 ? null : at + 1;
    };
    const same = runs.filter((r) => r.variant !== variant && r.answers === answers).map((r) => r.variant);
    const classRanks = [variant, ...same].map((v) => rankOf(v.rules[0])).filter((r): r is number => r !== null);
    return {
      variant,
      caughtBy: vectors.filter((v) => v.failed).map((v) => v.name),
      ranking,
      findings,
      rank: rankOf(variant.rules[0]),
      sameAnswers: same.map((v) => v.id),
      classRank: classRanks.length === 0 ? null : Math.min(...classRanks),
      vectors,
    };
  });
}

/**
 * How often the variants' rules rank first and in the top three, over the variants that were killed: a
 * variant counts when its own rule ranks there, or the rule of a variant that answers every golden exactly as
 * it does (no run can tell those apart); `strictFirst` and `strictTopThree` count its own rule only.
 */
export function rankFigures(outcomes: readonly VariantOutcome[]): { variants: number; first: number; topThree: number; strictFirst: number; strictTopThree: number } {
  const killed = outcomes.filter((o) => o.caughtBy.length > 0);
  const within = (rank: number | null, n: number) => rank !== null && rank <= n;
  return {
    variants: killed.length,
    first: killed.filter((o) => within(o.classRank, 1)).length,
    topThree: killed.filter((o) => within(o.classRank, 3)).length,
    strictFirst: killed.filter((o) => within(o.rank, 1)).length,
    strictTopThree: killed.filter((o) => within(o.rank, 3)).length,
  };
}

/** The table `npm run mutation` prints: variant, kind, how many vectors catch it, the first few. */
export function mutationTable(outcomes: readonly VariantOutcome[], total: number): string[] {
  const width = Math.max(...outcomes.map((o) => o.variant.id.length));
  const kindWidth = Math.max(...outcomes.map((o) => o.variant.kind.length));
  const lines = outcomes.map((o) => {
    const shown = o.caughtBy.slice(0, 3).join(", ") + (o.caughtBy.length > 3 ? `, ... (+${o.caughtBy.length - 3})` : "");
    const verdict = o.caughtBy.length > 0 ? "killed" : "SURVIVED";
    // Beside a rule that is not first, the one that is: what a porter with this bug would be sent to.
    const rank = o.caughtBy.length === 0 ? "" : `rank ${o.rank ?? "-"}`;
    const first = o.caughtBy.length === 0 || o.rank === 1 ? "" : `; ${o.variant.rules[0]} ${o.rank === null ? "unranked" : `ranked ${o.rank}`}, first ${o.ranking[0]?.id ?? "none"}`;
    const same = o.sameAnswers.length === 0 ? "" : `; answers every golden as ${o.sameAnswers.join(", ")} does`;
    return `${o.variant.id.padEnd(width)}  ${o.variant.kind.padEnd(kindWidth)}  ${verdict.padEnd(8)}  ${String(o.caughtBy.length).padStart(4)}/${total}  ${rank.padEnd(7)}  ${shown}${first}${same}`;
  });
  const survivors = outcomes.filter((o) => o.caughtBy.length === 0);
  const kinds = new Set(outcomes.map((o) => o.variant.kind)).size;
  lines.push(`${outcomes.length - survivors.length} of ${outcomes.length} variants killed (${kinds} kinds of bug) by ${total} golden vectors`);
  const f = rankFigures(outcomes);
  if (f.variants > 0) {
    const percent = ((100 * f.first) / f.variants).toFixed(0);
    lines.push(`right rule first in ${f.first} of ${f.variants} variants (${percent}%), in the top three in ${f.topThree} of ${f.variants}`);
    const alike = outcomes.filter((o) => o.caughtBy.length > 0 && o.sameAnswers.length > 0).length;
    if (alike > 0) lines.push(`(${alike} variants answer every golden exactly as another does and count when either's rule ranks; each variant's own rule alone: first in ${f.strictFirst}, top three in ${f.strictTopThree})`);
  }
  for (const s of survivors) lines.push(`SURVIVED ${s.variant.id}: ${s.variant.bug} (${s.variant.rules.join(", ")}); add a vector that catches it`);
  return lines;
}
