// The whole run as the reporters see it.
import type { AdapterReport } from "../model.js";
import type { RunMeta } from "./run_meta.js";

export interface RunReport {
  readonly adapters: readonly AdapterReport[];
  /** Scenarios selected from the corpus (after --filter, --tag, --shard). */
  readonly selected: number;
  readonly corpus: number;
  readonly durationMs: number;
  readonly strict: boolean;
  readonly exitCode: 0 | 1;
  readonly startedAt: string;
  /** The checks beyond the corpus that ran, as the summary names them: "malformed input", "scale to 10^5 steps", ... */
  readonly checks?: readonly string[];
  /** Authored scenarios without a golden (so not run), when the default golden directory was run. */
  readonly withoutGolden?: readonly string[];
  /** Which kit, corpus, shard and machine: what `rsm report merge` checks and the HTML report shows. */
  readonly meta?: RunMeta;
}
