// What a run produces, independent of how it is reported: one result per scenario and adapter, one report
// per adapter, and the rules that turn them into counts and an exit code.
//
// Glossary: the types one vector's fate passes through, in order.
//   RunResult       reference/run.ts         what the reference computes for a scenario: its snapshots (and trace)
//   ScenarioToRun   runner/adapter/session.ts  what the runner asks a session to run (the wire form is
//                                            schema/protocol.schema.json's RunRequest)
//   RunOutcome      runner/adapter/session.ts  how the adapter answered one run request: result, refused, broken
//                                            or aborted (DecodeOutcome and ProbeOutcome for the other requests)
//   VectorOutcome   runner/adapter_run.ts    what that answer means for the vector: passed, failed (with its
//                                            Diagnosis), error or skipped, before it is named (DecodeResult for a
//                                            decode vector)
//   Diagnosis       runner/diagnosis/diagnose.ts  why a snapshot differs: first byte, field, divergence, hints
//   ScenarioResult  here                     one vector on one adapter, named and checked against the
//                                            expected-failures list
//   AdapterReport   here                     one adapter's results, hello and fatal problem
//   RunReport       runner/report/run_report.ts  the whole run, in memory; its JSON form is ConformanceReport
//                                            (schema/report.schema.json), which `report merge|html|diff` read
import type { HelloReply } from "../reference/index.js";
import { EXIT_FAILED, EXIT_OK } from "../common/errors.js";
import type { Diagnosis } from "./diagnosis/diagnose.js";
import type { RankedRule, RunFinding } from "./diagnosis/ranking.js";
import type { VectorOutcome } from "./diagnosis/vector_outcome.js";

/** A vector's facts as a result carries them, for the ranking to weigh again after a merge of shards. */
export type VectorFacts = Pick<VectorOutcome, "rules" | "features" | "keys">;

export type Status = "passed" | "failed" | "error" | "skipped";

export interface ScenarioResult {
  readonly name: string;
  /** The golden file, relative to the working directory. */
  readonly file: string;
  /** The authored scenario the golden came from (SPEC.md section 8). */
  readonly source: string;
  readonly status: Status;
  /** Listed in --expected-failures. */
  readonly expectedFailure: boolean;
  /**
   * What the run's ranking knows of the vector (runner/diagnosis/vector_outcome.ts): the SPEC.md rules it
   * declares it pins (its golden's `rules`, main one first), the features it needs, the most pairs a snapshot
   * of it holds. Absent for a result that is no vector (a check's, a decode matrix cell).
   */
  readonly vector?: VectorFacts;
  /**
   * A failure's own likely rules, best first, where it has no diagnosis to hold them (a decode vector's: the
   * rule that should have decided and the one that did). Absent: those its reason names.
   */
  readonly evidence?: readonly string[];
  readonly durationMs: number;
  /** One line: why it failed, errored or was skipped. */
  readonly reason: string | null;
  readonly stderrTail: string | null;
  /** The adapter was killed and will be started again for the next scenario. */
  readonly restarted: boolean;
  readonly diagnosis: Diagnosis | null;
  /**
   * `nondeterministic`: the same request, asked twice, was answered differently (R-PROTO-11), and `answers`
   * holds both; no diagnosis is given of either. Absent for every other verdict.
   */
  readonly kind?: "nondeterministic";
  /** The two answers of a nondeterministic verdict, one line each: which run, and what it answered. */
  readonly answers?: readonly [string, string];
  /** A remark on a passing result that the reports show, e.g. that it answered only on a second try with more time. */
  readonly note?: string;
  /** Set when --out received the expected and actual snapshot bytes. */
  bins?: { readonly expected: string; readonly actual: string };
}

export type FatalKind = "build" | "toolchain" | "start" | "restart" | "timeouts";

/** Why an adapter ran none or not all of its scenarios; reported once, not once per scenario. */
export interface AdapterFatal {
  readonly kind: FatalKind;
  readonly message: string;
  /** Build output or the adapter's stderr tail. */
  readonly output: string | null;
  /**
   * A registered adapter whose toolchain is missing, in a run that did not ask for it by name: told, but it
   * does not fail the run, so a clean clone with only Node passes on the TypeScript adapter.
   */
  readonly optional: boolean;
}

export interface AdapterReport {
  readonly name: string;
  readonly command: string;
  readonly hello: HelloReply | null;
  readonly fatal: AdapterFatal | null;
  /** In corpus order; scenarios never run (after a fatal problem or --bail) are counted in notRun. */
  readonly results: ScenarioResult[];
  readonly notRun: number;
  readonly durationMs: number;
  readonly built: boolean;
  /**
   * The rules ranked across this adapter's vectors, by how well they separate its failing vectors from its
   * passing ones (runner/diagnosis/run_ranking.ts), and the findings about the run as a whole. Absent in a
   * run read from a report that predates it.
   */
  readonly ranking?: AdapterRanking;
}

export interface AdapterRanking {
  /** Most suspicious first; rules no failing vector declares are kept, with a failing count of 0. */
  readonly rules: readonly RankedRule[];
  readonly findings: readonly RunFinding[];
}

export interface Counts {
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Listed failures that failed or errored: they do not fail the run. */
  expected: number;
  /** Listed failures that passed: reported, and under --strict they fail the run. */
  unexpectedPasses: number;
  notRun: number;
}

export function countsOf(a: AdapterReport): Counts {
  const c: Counts = { passed: 0, failed: 0, errored: 0, skipped: 0, expected: 0, unexpectedPasses: 0, notRun: a.notRun };
  for (const r of a.results) {
    if (r.status === "passed") {
      c.passed++;
      if (r.expectedFailure) c.unexpectedPasses++;
    } else if (r.status === "skipped") c.skipped++;
    else if (r.expectedFailure) c.expected++;
    else if (r.status === "failed") c.failed++;
    else c.errored++;
  }
  return c;
}

/** A result that fails the run (before --strict is considered). */
export function isUnexpectedProblem(r: ScenarioResult): boolean {
  return (r.status === "failed" || r.status === "error") && !r.expectedFailure;
}

export function adapterOk(a: AdapterReport, strict: boolean): boolean {
  const c = countsOf(a);
  if (a.fatal !== null && !a.fatal.optional) return false;
  return c.failed === 0 && c.errored === 0 && !(strict && c.unexpectedPasses > 0);
}

export function exitCode(adapters: readonly AdapterReport[], strict: boolean): 0 | 1 {
  return adapters.every((a) => adapterOk(a, strict)) ? EXIT_OK : EXIT_FAILED;
}
