// The conformance command line. Every bad flag is a UsageError naming the flag and what was expected, which
// the CLI prints as one line with exit code 2.
import { FEATURES } from "../reference/index.js";
import path from "node:path";
import { defineCommand, parseFlags } from "../common/args.js";
import { UsageError } from "../common/errors.js";
import { GOLDEN_DIR } from "../corpus/scenario_files.js";
import type { Shard } from "./select.js";
import { splitCommandLine } from "./adapter/shell_words.js";

export type ReporterName = "human" | "json" | "junit" | "markdown" | "html";

export interface Options {
  readonly adapters: readonly string[];
  /** Each --exec, split into argv. */
  readonly execs: readonly (readonly string[])[];
  readonly names: readonly string[];
  readonly skips: readonly string[];
  readonly filters: readonly string[];
  readonly tags: readonly string[];
  /** Print the selection instead of running it. */
  readonly list: boolean;
  /** Features whose absence is a failure instead of a skip: "all" or a list. */
  readonly requireFeatures: "all" | readonly string[];
  readonly shard: Shard | null;
  readonly jobs: number;
  readonly timeoutMs: number;
  readonly bail: boolean;
  readonly build: boolean;
  readonly expectedFailures: readonly string[];
  /** --update-expected-failures: the list to rewrite from this run's failures. */
  readonly updateExpectedFailures: string | null;
  readonly strict: boolean;
  readonly reporter: ReporterName;
  readonly out: string | null;
  readonly vectors: string;
  /** --scenario: authored scenario files or folders, run without goldens instead of --vectors. */
  readonly scenarios: readonly string[];
  /** The checks beyond the corpus (docs/porting.md, "Checks beyond the corpus"). */
  readonly malformed: boolean;
  readonly scale: "off" | "quick" | "full";
  readonly env: "off" | "sample" | "all";
  readonly traces: "off" | "sample" | "all";
  /** --write-scale: the directory to write the scale check's scenarios to, instead of running anything. */
  readonly writeScale: string | null;
  readonly help: boolean;
}

const SELECTION = "selection";
const RUNNING = "running";
const CHECKS = "checks beyond the corpus";
const REPORTING = "reporting";

/** Which runs the checks beyond the corpus are on for by default (parseOptions's `whole`). */
const WHOLE_RUN = "a run of the whole corpus (see below)";

export const CONFORMANCE_SPEC = defineCommand({
  name: "conformance",
  synopsis: "[options]",
  brief: 'run the golden vectors against adapters (docs/porting.md, "Running your port")',
  summary: "Runs every golden vector against every registered adapter (adapters/registry.json) and explains failures.",
  positionals: { none: "to choose scenarios use --filter" },
  flags: {
    adapter: { type: "string", multiple: true, value: "NAME", group: SELECTION, help: "run only this registered adapter (repeatable)" },
    exec: {
      type: "string",
      multiple: true,
      value: '"COMMAND LINE"',
      group: SELECTION,
      help: "run this command as an adapter instead of the registered ones (repeatable; split like a shell would, but run without one)",
    },
    filter: { type: "string", multiple: true, value: "PATTERN", group: SELECTION, help: "scenario names containing PATTERN, or matching it as a glob with * and ? (repeatable)" },
    tag: { type: "string", multiple: true, value: "TAG", group: SELECTION, help: "scenarios with this tag (repeatable: any of them)" },
    name: { type: "string", multiple: true, value: "NAME", group: SELECTION, help: "exactly this scenario (repeatable); an unknown name is an error" },
    skip: { type: "string", multiple: true, value: "PATTERN", group: SELECTION, help: "leave out scenarios matching PATTERN, as --filter matches (repeatable)" },
    list: { type: "boolean", group: SELECTION, help: "print the selected scenarios (name, tags, features, steps; JSON with --reporter json) and run nothing" },
    "require-features": { type: "string", value: "all|LIST", group: SELECTION, help: `a scenario skipped for lacking one of these features fails instead (LIST: comma-separated, of ${FEATURES.join(", ")})` },
    shard: { type: "string", value: "I/N", group: SELECTION, help: "the I-th of N stable parts of the selection, for a CI matrix (1 <= I <= N)" },
    vectors: { type: "string", value: "DIR", group: SELECTION, help: "the golden vectors to run (default: vectors/golden)" },
    scenario: {
      type: "string",
      multiple: true,
      value: "PATH",
      group: SELECTION,
      help: "run authored scenario files (or every *.json below a folder) without goldens: the reference computes the expected bytes (repeatable; instead of --vectors)",
    },
    jobs: { type: "string", value: "N", group: RUNNING, help: "adapter processes per adapter (default 1, at most 256); adapters always run concurrently" },
    timeout: { type: "string", value: "SECONDS", group: RUNNING, help: "deadline for each reply (default 10; decimals such as 0.5); a silent adapter is killed and restarted" },
    "no-build": { type: "boolean", group: RUNNING, help: "do not build stale adapters first" },
    bail: { type: "boolean", group: RUNNING, help: "stop at the first unexpected failure or error" },
    "expected-failures": { type: "string", multiple: true, value: "FILE", group: RUNNING, help: 'known failures, one "[ADAPTER] SCENARIO" per line, # comments (repeatable)' },
    "no-strict": {
      type: "boolean",
      group: RUNNING,
      help: "a listed expected failure that passes is reported but does not fail the run (by default it does: --strict is the default)",
    },
    strict: { type: "boolean", group: RUNNING, help: "the default, accepted so a command line can say it: a listed expected failure that passes fails the run (--no-strict wins over it)" },
    "update-expected-failures": {
      type: "string",
      value: "FILE",
      group: RUNNING,
      help: "rewrite FILE from this run: its failures, each with its likely rule; scenarios that pass are dropped",
    },
    malformed: {
      type: "string",
      value: "on|off",
      group: CHECKS,
      help: `before the corpus, send each adapter lines that are no valid request (a blank line, not JSON, not UTF-8, JSON nested 100,000 deep, an unknown type, 10 MB of garbage, ...), each followed by a valid one: each must get an error reply with the right id and the next request its answer (SPEC.md R-PROTO-10; results protocol/NAME); after it, end an adapter by shutdown and by closing its stdin: each must exit with status 0 (R-PROTO-9; results protocol/exit-after-shutdown, protocol/exit-after-eof). Default on for ${WHOLE_RUN}, off otherwise`,
    },
    env: {
      type: "string",
      value: "off|sample|all",
      group: CHECKS,
      help: `after the corpus, run the vectors that passed again in a new process under a hostile but legal environment (LC_ALL=C, TZ=Pacific/Chatham, a random PYTHONHASHSEED, GOMAXPROCS=1, stdin in odd-sized pieces), each twice in that process, and those with characters outside ASCII once more under LC_ALL=C with PYTHONUTF8=0; the bytes must be the golden's again (R-PROTO-11; results env/NAME). sample: every keys/ vector and the first of every other topic; all: every vector. Default sample for ${WHOLE_RUN}, off otherwise`,
    },
    traces: {
      type: "string",
      value: "off|sample|all",
      group: CHECKS,
      help: `after the corpus, run the vectors that passed again with "trace": true; each trace must show the reference's state of every node after every step, and the snapshots must stay the golden's (R-PROTO-7; results trace/NAME). sample: the first vector of every topic whose trace is at most 1 Mi characters; all: every vector whose trace fits the runner's budget. Default sample for ${WHOLE_RUN}, off otherwise`,
    },
    scale: {
      type: "string",
      value: "off|quick|full",
      group: CHECKS,
      help: `after the corpus, run generated scenarios of 10^4, 3x10^4 and 10^5 steps (full: and 3x10^5 and 10^6), checking their bytes and that each adapter's CPU time grows about linearly with the steps and a store of 70,000 live keys, checking its bytes (R-PROTO-12; results scale/STEPS, scale/growth-FIRST-LAST and scale/keys-70000; --name scale/10000 runs one case alone). Default quick for ${WHOLE_RUN}, off otherwise`,
    },
    "write-scale": {
      type: "string",
      value: "DIR",
      group: CHECKS,
      help: "write the scale check's scenarios as authored scenario files, DIR/scale/CASE.json and DIR/scale/CASE-compact.json (the variant a port that lists compact runs), for --scenario or rsm trace, and run nothing: the cases of --scale (quick when not given or off), or those --name chooses",
    },
    reporter: {
      type: "string",
      value: "human|json|junit|markdown|html",
      group: REPORTING,
      help: "default human; json and markdown go to stdout unless --out; junit needs --out; html needs --out DIR (index.html, report.json, badges/ADAPTER.json, bins/)",
    },
    out: {
      type: "string",
      value: "PATH",
      group: REPORTING,
      help: 'human: a directory for expected/actual .bin files of every mismatch; json, junit, markdown: the report file (the .bin files go to PATH without its extension + ".bins/"); html: the report\'s directory',
    },
  },
  notes: [
    "The checks beyond the corpus run by default on a run of the whole corpus: no --filter, --tag, --name, --skip, --vectors or --scenario, and with --shard on shard 1 only (docs/porting.md, \"Checks beyond the corpus\"). Each reports results of its own under the adapter, which --expected-failures may list.",
    "With $GITHUB_STEP_SUMMARY set, the Markdown summary is appended to it; under GitHub Actions each unexpected failure is also an ::error annotation on its scenario file (unless stdout carries a json or markdown report).",
    "exit codes: 0 all passed or expected, 1 a failure or error, 2 usage or invalid input",
  ],
});


/** Every optional feature an adapter can list (R-PROTO-5): the scenario features, then decode. */
const FEATURE_NAMES: readonly string[] = FEATURES;

function parseFeatures(text: string | undefined): "all" | readonly string[] {
  if (text === undefined) return [];
  if (text === "all") return "all";
  const list = text.split(",").map((f) => f.trim());
  const bad = list.find((f) => !FEATURE_NAMES.includes(f));
  if (bad !== undefined) throw new UsageError(`--require-features: expected all or a comma-separated list of ${FEATURE_NAMES.join(", ")}, got ${JSON.stringify(bad)}`);
  return list;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected I/N with 1 <= I <= N (e.g. 2/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

function parseJobs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) throw new UsageError(`--jobs: expected an integer from 1 to 256, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Seconds as a decimal ("10", "0.5", ".5"), to whole milliseconds; under a millisecond is refused, not rounded to 0. */
export function parseSeconds(flag: string, text: string, max = 86400): number {
  const seconds = Number(text);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text) || !(seconds >= 0.001) || seconds > max) {
    throw new UsageError(`${flag}: expected a number of seconds from 0.001 to ${max} (e.g. 10 or 0.5), got ${JSON.stringify(text)}`);
  }
  return Math.round(seconds * 1000);
}

/** A path flag's value: an empty path would silently mean the working directory. */
export function parsePath(flag: string, text: string): string {
  if (text === "") throw new UsageError(`${flag}: expected a path, got an empty string`);
  return path.resolve(text);
}

export function parseOptions(args: readonly string[], root: string): Options {
  const { values: v } = parseFlags(CONFORMANCE_SPEC, args);
  const reporter = v.reporter ?? "human";
  if (reporter !== "human" && reporter !== "json" && reporter !== "junit" && reporter !== "markdown" && reporter !== "html") {
    throw new UsageError(`--reporter: expected human, json, junit, markdown or html, got ${JSON.stringify(reporter)}`);
  }
  const out = v.out === undefined ? null : parsePath("--out", v.out);
  if (reporter === "junit" && out === null) throw new UsageError("--reporter junit: expected --out FILE, the JUnit XML file to write");
  if (reporter === "html" && out === null) throw new UsageError("--reporter html: expected --out DIR, the directory for index.html and the badges");
  const execs = (v.exec ?? []).map(splitCommandLine);
  for (const argv of execs) if (argv.length === 0 || argv[0] === "") throw new UsageError(`--exec: expected a command line, got one without a program`);
  if (execs.length > 0 && (v.adapter ?? []).length > 0) {
    throw new UsageError("--exec runs a command instead of the registered adapters; it cannot be combined with --adapter");
  }
  // The checks beyond the corpus run by default on a run of the kit's whole corpus (in a CI matrix, on its
  // first shard); a run narrowed to some scenarios, or of another corpus, asks for them by name.
  if (v.scenario !== undefined && v.vectors !== undefined) throw new UsageError("--scenario runs scenario files instead of golden vectors; it cannot be combined with --vectors");
  if (v["write-scale"] !== undefined && v.list === true) throw new UsageError("--write-scale writes the scale check's scenarios and runs nothing; it cannot be combined with --list");
  const whole = v.filter === undefined && v.tag === undefined && v.name === undefined && v.skip === undefined && v.vectors === undefined && v.scenario === undefined && (v.shard === undefined || parseShard(v.shard).index === 1);
  return {
    malformed: v.malformed === undefined ? whole : oneOf("--malformed", v.malformed, ["on", "off"]) === "on",
    scale: v.scale === undefined ? (whole ? "quick" : "off") : oneOf("--scale", v.scale, ["off", "quick", "full"]),
    env: v.env === undefined ? (whole ? "sample" : "off") : oneOf("--env", v.env, ["off", "sample", "all"]),
    traces: v.traces === undefined ? (whole ? "sample" : "off") : oneOf("--traces", v.traces, ["off", "sample", "all"]),
    adapters: v.adapter ?? [],
    execs,
    names: v.name ?? [],
    skips: v.skip ?? [],
    list: v.list === true,
    requireFeatures: parseFeatures(v["require-features"]),
    filters: v.filter ?? [],
    tags: v.tag ?? [],
    shard: v.shard === undefined ? null : parseShard(v.shard),
    jobs: v.jobs === undefined ? 1 : parseJobs(v.jobs),
    timeoutMs: v.timeout === undefined ? 10_000 : parseSeconds("--timeout", v.timeout),
    bail: v.bail === true,
    build: v["no-build"] !== true,
    expectedFailures: (v["expected-failures"] ?? []).map((f) => parsePath("--expected-failures", f)),
    // Strict by default: a listed failure that passes fails the run, so a stale list cannot hide a regression.
    strict: v["no-strict"] !== true,
    updateExpectedFailures: v["update-expected-failures"] === undefined ? null : parsePath("--update-expected-failures", v["update-expected-failures"]),
    reporter,
    out,
    vectors: v.vectors === undefined ? path.join(root, GOLDEN_DIR) : parsePath("--vectors", v.vectors),
    scenarios: (v.scenario ?? []).map((p) => parsePath("--scenario", p)),
    writeScale: v["write-scale"] === undefined ? null : parsePath("--write-scale", v["write-scale"]),
    help: v.help,
  };
}
