// Generated from schema/report.schema.json by `npm run cli -- types`. Do not edit by hand.

/**
 * The output of `rsm conformance --reporter json` (docs/ci.md, section JSON). Field names are snake_case; times are milliseconds. A consumer should ignore fields it does not know: later minor revisions may add some, and bump `format` only for incompatible changes. The run's metadata (kit to parts) is optional, so older reports stay valid; `rsm report merge` needs kit, corpus_sha256, shard and selection.
 */
export interface ConformanceReport {
  format: 1;
  /**
   * ISO 8601 time the run started.
   */
  started_at: string;
  duration_ms: number;
  /**
   * The run's exit code: 0 all passed or expected, 1 a failure or error.
   */
  exit_code: 0 | 1;
  /**
   * Whether --strict was given: a listed expected failure that passes then fails the run.
   */
  strict: boolean;
  /**
   * Golden vectors found.
   */
  corpus: number;
  /**
   * Golden vectors selected by --filter, --tag and --shard.
   */
  selected: number;
  adapters: Adapter[];
  /**
   * The kit that wrote the report (package.json). Reports of different kit versions are not merged.
   */
  kit?: {
    name: string;
    version: string;
  };
  /**
   * SHA-256 over every golden of the corpus run, selected or not: for each in name order, its name, a NUL, the SHA-256 of its bytes in hex, a newline. Equal for every shard of one corpus; reports of different corpora are not merged.
   */
  corpus_sha256?: string;
  /**
   * The --shard this run was, or null for the whole selection.
   */
  shard?: null | Shard;
  /**
   * The flags that chose the scenarios besides --shard (--vectors, --scenario, --filter, --tag, --name, --skip, --require-features), as given, in that order. Shards of one selection share it; reports of different selections are not merged.
   */
  selection?: string[];
  /**
   * The checks beyond the corpus that ran, as the summary names them ("malformed input", ...).
   */
  checks?: string[];
  machine?: Machine;
  /**
   * The selected scenarios in name order, with what a report viewer groups and filters them by.
   */
  scenarios?: Scenario[];
  /**
   * Authored scenarios without a golden (so not run), when the default golden directory was run.
   */
  without_golden?: string[];
  /**
   * Only in a report written by `rsm report merge`: the reports it merged, in the order given.
   */
  parts?: Part[];
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "adapter".
 */
export interface Adapter {
  /**
   * The registered name; for --exec the name from the adapter's hello ("exec" if it never said hello).
   */
  name: string;
  /**
   * The argv run, joined for display.
   */
  command: string;
  /**
   * The adapter's hello reply (R-PROTO-5), or null when it did not start.
   */
  hello: null | HelloReply;
  /**
   * The runner built the adapter before this run because it was stale.
   */
  built: boolean;
  fatal: null | Fatal;
  counts: Counts;
  duration_ms: number;
  /**
   * In corpus order; scenarios not run are only counted.
   */
  results: Result[];
  /**
   * The SPEC.md rules ranked across this adapter's vectors by how well the vectors declaring them separate its failing vectors from its passing ones, combined with each failure's own evidence; most suspicious first. Recomputed by `rsm report merge` from the merged results (each result's vector and each diagnosis's evidence). Optional: reports written before it lack it.
   */
  ranking?: RankedRule[];
  /**
   * What the run as a whole shows about this adapter, one line each (a feature listed but not implemented, an order that breaks only past a size), with the rule it names or null.
   */
  findings?: {
    rule: string | null;
    line: string;
  }[];
}
/**
 * R-PROTO-5, adapter to runner.
 */
export interface HelloReply {
  type: "hello";
  protocol: number;
  name: string;
  version: string;
  features: string[];
}
/**
 * Why an adapter ran none or not all of its scenarios, reported once.
 *
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "fatal".
 */
export interface Fatal {
  /**
   * build: the build failed; toolchain: the build tool is not installed; start: no valid hello; restart: a later process did not start; timeouts: given up after consecutive timeouts.
   */
  kind: "build" | "toolchain" | "start" | "restart" | "timeouts";
  message: string;
  /**
   * The build's output or the adapter's stderr, tail.
   */
  output: string | null;
  /**
   * True for a missing toolchain of an adapter not named with --adapter: reported, but the run does not fail for it.
   */
  optional: boolean;
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "counts".
 */
export interface Counts {
  /**
   * Includes unexpected passes.
   */
  passed: number;
  /**
   * Byte mismatches and nondeterministic answers not listed as expected.
   */
  failed: number;
  /**
   * Protocol errors, crashes, timeouts and error replies not listed as expected.
   */
  errored: number;
  /**
   * Scenarios needing a feature the adapter does not list.
   */
  skipped: number;
  /**
   * Listed in --expected-failures, and failed or errored.
   */
  expected: number;
  /**
   * Listed in --expected-failures, and passed.
   */
  unexpected_passes: number;
  /**
   * Left out after a fatal problem or --bail.
   */
  not_run: number;
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "result".
 */
export interface Result {
  /**
   * The scenario name (SPEC.md section 5); for a result of a check beyond the corpus, the name the check gives it: protocol/..., env/..., trace/ followed by the traced scenario's name, scale/..., decode/produced-by/...
   */
  name: string;
  /**
   * The golden vector file, relative to the working directory.
   */
  file: string;
  /**
   * The authored scenario the golden came from.
   */
  source: string;
  status: "passed" | "failed" | "error" | "skipped";
  /**
   * Listed in --expected-failures.
   */
  expected_failure: boolean;
  /**
   * A failure's own likely rules, best first, where it has no diagnosis to hold them (a decode vector's: the rule that should have decided, then the one that did). Absent: the rules its reason names.
   */
  evidence?: string[];
  /**
   * What the adapter's ranking knows of the vector, so that `rsm report merge` can rank again from the merged results. Absent for a result that is no vector (a check's, a decode matrix cell) and in reports written before it.
   */
  vector?: {
    /**
     * The SPEC.md rules the vector declares it pins (its golden's rules), the main one first.
     */
    rules: string[];
    /**
     * The features the vector needs (its golden's features).
     */
    features?: string[];
    /**
     * The most pairs any of its expected snapshots holds.
     */
    keys?: number;
  };
  duration_ms: number;
  /**
   * One line: why it failed, errored or was skipped.
   */
  reason: string | null;
  /**
   * The adapter's stderr tail, for errors.
   */
  stderr_tail: string | null;
  /**
   * The adapter was killed after this scenario and started again.
   */
  restarted: boolean;
  diagnosis: null | Diagnosis;
  /**
   * What kind of failure, where it is not told by the status alone. nondeterministic: the same request, asked again in a fresh process, was answered differently (R-PROTO-11); `answers` holds both and no diagnosis is given of either. Absent otherwise.
   */
  kind?: "nondeterministic";
  /**
   * With kind nondeterministic: the two answers, one line each, saying which run gave it and what it was (the golden's bytes, or where it differs).
   *
   * @minItems 2
   * @maxItems 2
   */
  answers?: [string, string];
  /**
   * A remark on a passing result, e.g. that it answered only on a second try in a fresh process with a longer deadline (its first try timed out).
   */
  note?: string;
  /**
   * With --out: the expected and actual snapshot bytes of the first mismatching snapshot.
   */
  bins: null | {
    expected: string;
    actual: string;
  };
}
/**
 * Present for a failed (byte mismatch) result.
 *
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "diagnosis".
 */
export interface Diagnosis {
  /**
   * The first mismatching snapshot: its index in the result's snapshots, its step and node.
   */
  snapshot: {
    index: number;
    step: number;
    node: number;
  };
  /**
   * The first differing byte.
   */
  offset: number;
  /**
   * The wire-format field of the expected snapshot that byte falls in (e.g. "key bytes of pair 0"), null past its end.
   */
  field: string | null;
  /**
   * The SPEC.md rule defining that field.
   */
  field_rule: string | null;
  /**
   * The first step after which the port's state differs from the reference's, from both traces (R-PROTO-7).
   */
  divergence: null | {
    step: number;
    /**
     * The step, as in the normalized scenario (schema/normalized.schema.json).
     */
    op: {};
    nodes: number[];
  };
  /**
   * Why no divergence was found, when none was.
   */
  trace_note: string | null;
  /**
   * SPEC.md rule ids most likely involved, best guess first: this failure's evidence ordered by the adapter's ranking.
   */
  rules: string[];
  /**
   * This failure's own likely rules (from the differing field, the step where it diverged, the hints), best first, before the ranking ordered `rules`. Optional: absent, it is `rules`.
   */
  evidence?: string[];
  /**
   * One line each naming the likely cause and its rule, given only when the bytes show a common port mistake unambiguously (runner/diagnosis/hints.ts); usually empty. Optional: reports written before hints existed lack it.
   */
  hints?: string[];
  /**
   * Whether the actual snapshot's CRC matches its own bytes; null when it does not decode.
   */
  crc_self_consistent: boolean | null;
  decode_error: string | null;
  /**
   * Decoded snapshots, expected against actual: lines starting "- ", "+ " or "  ". Actual bytes that do not decode show the fields read before decoding stopped, then the bytes around that point.
   */
  diff: string[];
  expected_hex: string;
  actual_hex: string;
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "rankedRule".
 */
export interface RankedRule {
  id: string;
  /**
   * Higher is more suspicious; comparable within one adapter's ranking only.
   */
  score: number;
  /**
   * Failing vectors declaring the rule.
   */
  failing: number;
  /**
   * Vectors of the run declaring the rule.
   */
  declaring: number;
  /**
   * Failing vectors not declaring it.
   */
  failing_others: number;
  /**
   * Vectors not declaring it.
   */
  others: number;
  /**
   * The evidence in one line, e.g. "R-INSTALL-1: 7 of 7 vectors declaring it fail, 0 of 250 others".
   */
  line: string;
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "shard".
 */
export interface Shard {
  index: number;
  count: number;
}
/**
 * Where the run ran.
 *
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "machine".
 */
export interface Machine {
  /**
   * Platform and kernel release, e.g. "linux 6.1.0".
   */
  os: string;
  arch: string;
  cpus: number;
  cpu_model: string;
  /**
   * The Node.js version that ran the runner.
   */
  node: string;
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "scenario".
 */
export interface Scenario {
  name: string;
  /**
   * The authored scenario file.
   */
  source: string;
  tags: string[];
  features: string[];
  /**
   * Which port bug the scenario would catch.
   */
  description: string;
}
/**
 * This interface was referenced by `ConformanceReport`'s JSON-Schema
 * via the `definition` "part".
 */
export interface Part {
  /**
   * The report file as given to merge.
   */
  file: string;
  shard: null | Shard;
  started_at: string;
  duration_ms: number;
  adapters: string[];
  machine: null | Machine;
}
