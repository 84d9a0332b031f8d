// The conformance command line. Every bad flag is a UsageError naming the flag and what was expected, which
// the CLI prints as one line with exit code 2.
import { FEATURES } from "../reference/index.js";
import path from "node:path";
import { parseFlags } from "../common/args.js";
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
  /** The checks beyond the corpus (README, "Checks beyond the corpus"). */
  readonly malformed: boolean;
  readonly scale: "off" | "quick" | "full";
  readonly env: "off" | "sample" | "all";
  readonly help: boolean;
}

export const USAGE = `usage: rsm conformance [options]

Runs every golden vector against every registered adapter (adapters/registry.json) and explains failures.

selection
  --adapter NAME            run only this registered adapter (repeatable)
  --exec "COMMAND LINE"     run this command as an adapter instead of the registered ones (repeatable;
                            split like a shell would, but run without one)
  --filter PATTERN          scenario names containing PATTERN, or matching it as a glob with * and ? (repeatable)
  --tag TAG                 scenarios with this tag (repeatable: any of them)
  --name NAME               exactly this scenario (repeatable); an unknown name is an error
  --skip PATTERN            leave out scenarios matching PATTERN, as --filter matches (repeatable)
  --list                    print the selected scenarios (name, tags, features, steps; JSON with
                            --reporter json) and run nothing
  --require-features all|LIST   a scenario skipped for lacking one of these features fails instead
  --shard I/N               the I-th of N stable parts of the selection, for a CI matrix (1 <= I <= N)
  --vectors DIR             the golden vectors to run (default: vectors/golden)
  --scenario PATH           run authored scenario files (or every *.json below a folder) without goldens:
                            the reference computes the expected bytes (repeatable; instead of --vectors)
running
  --jobs N                  adapter processes per adapter (default 1); adapters always run concurrently
  --timeout SECONDS         deadline for each reply (default 10); a silent adapter is killed and restarted
  --no-build                do not build stale adapters first
  --bail                    stop at the first unexpected failure or error
  --expected-failures FILE  known failures, one "[ADAPTER] SCENARIO" per line, # comments (repeatable)
  --no-strict               a listed expected failure that passes is reported but does not fail the run
                            (by default it does: --strict is the default)
  --update-expected-failures FILE   rewrite FILE from this run: its failures, each with its likely rule;
                            scenarios that pass are dropped
reporting
  --reporter human|json|junit|markdown|html   default human; json and markdown go to stdout unless
                            --out; junit needs --out; html needs --out DIR (index.html, report.json,
                            badges/ADAPTER.json, bins/)
  --out PATH                human: a directory for expected/actual .bin files of every mismatch;
                            json, junit, markdown: the report file (the .bin files go to PATH without
                            its extension + ".bins/"); html: the report's directory
With $GITHUB_STEP_SUMMARY set, the Markdown summary is appended to it; under GitHub Actions each unexpected
failure is also an ::error annotation on its scenario file (unless stdout carries a json or markdown report).

exit codes: 0 all passed or expected, 1 a failure or error, 2 usage or invalid input
`;

const FLAGS = {
  adapter: { type: "string", multiple: true },
  exec: { type: "string", multiple: true },
  filter: { type: "string", multiple: true },
  name: { type: "string", multiple: true },
  skip: { type: "string", multiple: true },
  list: { type: "boolean" },
  "require-features": { type: "string" },
  tag: { type: "string", multiple: true },
  shard: { type: "string" },
  jobs: { type: "string" },
  timeout: { type: "string" },
  "expected-failures": { type: "string", multiple: true },
  reporter: { type: "string" },
  out: { type: "string" },
  vectors: { type: "string" },
  scenario: { type: "string", multiple: true },
  bail: { type: "boolean" },
  "no-build": { type: "boolean" },
  strict: { type: "boolean" },
  "no-strict": { type: "boolean" },
  "update-expected-failures": { type: "string" },
  malformed: { type: "string" },
  scale: { type: "string" },
  env: { type: "string" },
} as const;

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
  const { values: v } = parseFlags("conformance", args, FLAGS, "to choose scenarios use --filter");
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
  const whole = v.filter === undefined && v.tag === undefined && v.name === undefined && v.skip === undefined && v.vectors === undefined && v.scenario === undefined && (v.shard === undefined || parseShard(v.shard).index === 1);
  return {
    malformed: v.malformed === undefined ? whole : oneOf("--malformed", v.malformed, ["on", "off"]) === "on",
    scale: v.scale === undefined ? (whole ? "quick" : "off") : oneOf("--scale", v.scale, ["off", "quick", "full"]),
    env: v.env === undefined ? (whole ? "sample" : "off") : oneOf("--env", v.env, ["off", "sample", "all"]),
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
    help: v.help,
  };
}
