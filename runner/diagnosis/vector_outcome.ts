// One vector's outcome for one adapter, as the run-level ranking (ranking.ts) and its findings
// (run_findings.ts) take it, and the facts about the vector they need, read from its golden.
import type { GoldenVector } from "../../reference/index.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";

export interface VectorOutcome {
  /** The golden's name, e.g. "compact/boundary-log-one-less-installs", "decode/bad-magic-and-bad-crc". */
  readonly name: string;
  /** The vector's declared rules (golden.rules), the main one first. */
  readonly rules: readonly string[];
  /** Failed or errored for this adapter (a skipped vector is left out of the outcomes). */
  readonly failed: boolean;
  /** The failure's own likely rules, best first: the hints' rules, then the diagnosis's (field, step kind). */
  readonly evidence?: readonly string[];
  /** The rules the failure's hints name: a hint fires only when the bytes leave no doubt. */
  readonly hinted?: readonly string[];
  /** The features the vector needs (golden.features), for the finding "listed but not implemented". */
  readonly features?: readonly string[];
  /** The most pairs any expected snapshot of the vector holds, for the finding "breaks only past a size". */
  readonly keys?: number;
}

/** Where section 4 puts the pair count: after the magic and three u64 header fields. */
const PAIR_COUNT_AT = 4 + 8 + 8 + 8;

/** The most pairs any of the golden's snapshots holds, read from the pair count field of each. */
function mostKeys(golden: GoldenVector): number {
  let most = 0;
  for (const s of golden.snapshots) {
    // Eight hex digits from the field's start; a golden's snapshots are the reference's, so always that long.
    const n = Number.parseInt(s.hex.slice(PAIR_COUNT_AT * 2, PAIR_COUNT_AT * 2 + 8), 16);
    if (n > most) most = n;
  }
  return most;
}

/** What the ranking knows of a vector besides its outcome: its name, declared rules, features and size. */
export function vectorFacts(golden: GoldenVector | DecodeGolden): Pick<VectorOutcome, "name" | "rules" | "features" | "keys"> {
  const base = { name: golden.name, rules: golden.rules, features: golden.features };
  return "snapshots" in golden ? { ...base, keys: mostKeys(golden) } : base;
}
