// The checks beyond the corpus share one shape, so the next check is a new file and a line in
// runner/checks/index.ts, not an edit of the code that runs an adapter (runner/adapter_run.ts).
import type { FleetAdapter } from "../adapter/fleet.js";
import type { Session } from "../adapter/session.js";
import type { Vector } from "../corpus.js";
import type { ScenarioResult } from "../model.js";

/** The run's options that the checks read. */
export interface CheckSettings {
  readonly root: string;
  readonly malformed: boolean;
  readonly env: "off" | "sample" | "all";
  readonly scale: "off" | "quick" | "full";
  readonly traces: "off" | "sample" | "all";
  /** The scale check's cases --name chose (scale/10000, ...): those alone run, whatever `scale` says. */
  readonly scaleNames: readonly string[];
  readonly timeoutMs: number;
}

export interface CheckInput {
  readonly adapter: FleetAdapter;
  /** A live session to go on with (before the corpus: the one that said hello), or null: open one. */
  readonly session: Session | null;
  /** After the corpus: the vectors that passed on this adapter, in corpus order. Empty before it. */
  readonly passed: readonly Vector[];
  /** Whether the run's expected-failures list names this result for this adapter. */
  isExpected(name: string): boolean;
}

export interface CheckOutput {
  readonly results: ScenarioResult[];
  /** The session left alive for what follows, or null. */
  readonly session: Session | null;
}

/** One check as a run's options configure it. */
export interface Check {
  /** As the run's report lists it among its checks. */
  readonly title: string;
  /** Before the corpus (a port that breaks here would break the corpus's run too) or after it. */
  readonly when: "before" | "after";
  run(input: CheckInput): Promise<CheckOutput>;
}

/** A kind of check: the names of the results it can report, and the check itself when the options ask for it. */
export interface CheckKind {
  /** Every result name it can report, which an expected-failures list may name. */
  readonly names: readonly string[];
  /** Names it reports per vector: this prefix and the vector's name (an expected-failures list may name them too). */
  readonly prefix?: string;
  create(settings: CheckSettings): Check | null;
}
