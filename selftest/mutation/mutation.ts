// The mutation self-test: every variant must fail at least one golden vector, or the corpus has a hole.
import path from "node:path";
import type { GoldenVector } from "../../reference/index.js";
import { loadCorpus } from "../../runner/corpus.js";
import { loadDecodeVectors } from "../../runner/checks/decode.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";
import { GOLDEN_DIR } from "../../corpus/scenario_files.js";
import { rankRules, type RankedRule, type RunFinding, type VectorOutcome } from "../../runner/diagnosis/ranking.js";
import { decodeOutcome, scenarioOutcome } from "./failures.js";
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
  const outcomes: VariantOutcome[] = [];
  for (const variant of variants) {
    const mutant = await loadMutant(root, variant);
    const vectors: VectorOutcome[] = decodeGoldens.map((g) => decodeOutcome(mutant, g));
    for (const g of goldens) vectors.push(await scenarioOutcome(mutant, g));
    const { ranking, findings } = rankRules(vectors);
    const at = ranking.findIndex((r) => r.id === variant.rules[0]);
    outcomes.push({ variant, caughtBy: vectors.filter((v) => v.failed).map((v) => v.name), ranking, findings, rank: at < 0 ? null : at + 1, vectors });
  }
  return outcomes;
}

/** How often the variants' own rules rank first and in the top three, over the variants that were killed. */
export function rankFigures(outcomes: readonly VariantOutcome[]): { variants: number; first: number; topThree: number } {
  const killed = outcomes.filter((o) => o.caughtBy.length > 0);
  return {
    variants: killed.length,
    first: killed.filter((o) => o.rank === 1).length,
    topThree: killed.filter((o) => o.rank !== null && o.rank <= 3).length,
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
    return `${o.variant.id.padEnd(width)}  ${o.variant.kind.padEnd(kindWidth)}  ${verdict.padEnd(8)}  ${String(o.caughtBy.length).padStart(4)}/${total}  ${rank.padEnd(7)}  ${shown}${first}`;
  });
  const survivors = outcomes.filter((o) => o.caughtBy.length === 0);
  const kinds = new Set(outcomes.map((o) => o.variant.kind)).size;
  lines.push(`${outcomes.length - survivors.length} of ${outcomes.length} variants killed (${kinds} kinds of bug) by ${total} golden vectors`);
  const f = rankFigures(outcomes);
  if (f.variants > 0) {
    const percent = ((100 * f.first) / f.variants).toFixed(0);
    lines.push(`right rule first in ${f.first} of ${f.variants} variants (${percent}%), in the top three in ${f.topThree} of ${f.variants}`);
  }
  for (const s of survivors) lines.push(`SURVIVED ${s.variant.id}: ${s.variant.bug} (${s.variant.rules.join(", ")}); add a vector that catches it`);
  return lines;
}
