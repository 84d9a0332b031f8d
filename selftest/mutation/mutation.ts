// The mutation self-test: every variant must fail at least one golden vector, or the corpus has a hole.
import path from "node:path";
import type { GoldenVector } from "../../reference/index.js";
import { loadCorpus } from "../../runner/corpus.js";
import { loadDecodeVectors } from "../../runner/checks/decode.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";
import { GOLDEN_DIR } from "../../corpus/scenario_files.js";
import { loadMutant } from "./mutants.js";
import { VARIANTS, type Variant } from "./variants.js";

export interface VariantOutcome {
  readonly variant: Variant;
  /** Names of the goldens whose snapshots the variant gets wrong (or on which it throws). */
  readonly caughtBy: string[];
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
    const caughtBy: string[] = [];
    for (const g of decodeGoldens) {
      let wrong: boolean;
      try {
        const v = mutant.decodeVerdict(mutant.hexToBytes(g.hex));
        const e = g.expected;
        wrong = e.type === "rejected" ? v.ok || v.rule !== e.rule : !v.ok || JSON.stringify(mutant.decodedJson(v.snapshot)) !== JSON.stringify(e.snapshot);
      } catch {
        wrong = true;
      }
      if (wrong) caughtBy.push(g.name);
    }
    for (const g of goldens) {
      let wrong: boolean;
      try {
        const { snapshots } = mutant.runScenario(g.scenario);
        wrong = snapshots.length !== g.snapshots.length || snapshots.some((s, i) => s.hex !== g.snapshots[i]!.hex);
      } catch {
        wrong = true; // A port that crashes on a vector fails it too.
      }
      if (wrong) caughtBy.push(g.name);
    }
    outcomes.push({ variant, caughtBy });
  }
  return outcomes;
}

/** The table `npm run mutation` prints: variant, kind, how many vectors catch it, the first few. */
export function mutationTable(outcomes: readonly VariantOutcome[], total: number): string[] {
  const width = Math.max(...outcomes.map((o) => o.variant.id.length));
  const kindWidth = Math.max(...outcomes.map((o) => o.variant.kind.length));
  const lines = outcomes.map((o) => {
    const shown = o.caughtBy.slice(0, 3).join(", ") + (o.caughtBy.length > 3 ? `, ... (+${o.caughtBy.length - 3})` : "");
    const verdict = o.caughtBy.length > 0 ? "killed" : "SURVIVED";
    return `${o.variant.id.padEnd(width)}  ${o.variant.kind.padEnd(kindWidth)}  ${verdict.padEnd(8)}  ${String(o.caughtBy.length).padStart(4)}/${total}  ${shown}`;
  });
  const survivors = outcomes.filter((o) => o.caughtBy.length === 0);
  const kinds = new Set(outcomes.map((o) => o.variant.kind)).size;
  lines.push(`${outcomes.length - survivors.length} of ${outcomes.length} variants killed (${kinds} kinds of bug) by ${total} golden vectors`);
  for (const s of survivors) lines.push(`SURVIVED ${s.variant.id}: ${s.variant.bug} (${s.variant.rules.join(", ")}); add a vector that catches it`);
  return lines;
}
