// The conformance command line. Every bad flag is a UsageError naming the flag and what was expected, which
// the CLI prints as one line with exit code 2.
import path from "node:path";
import { UsageError } from "../errors.js";
import { GOLDEN_DIR } from "../scenario_files.js";
import type { Shard } from "./select.js";
import { splitCommandLine } from "./shell_words.js";

export type ReporterName = "human" | "json" | "junit";

export interface Options {
  readonly adapters: readonly string[];
  /** Each --exec, split into argv. */
  readonly execs: readonly (readonly string[])[];
  readonly filters: readonly string[];
  readonly tags: readonly string[];
  readonly shard: Shard | null;
  readonly jobs: number;
  readonly timeoutMs: number;
  readonly bail: boolean;
  readonly build: boolean;
  readonly expectedFailures: readonly string[];
  readonly strict: boolean;
  readonly reporter: ReporterName;
  readonly out: string | null;
  readonly vectors: string;
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
  --shard I/N               the I-th of N stable parts of the selection, for a CI matrix (1 <= I <= N)
  --vectors DIR             the golden vectors to run (default: vectors/golden)
running
  --jobs N                  adapter processes per adapter (default 1); adapters always run concurrently
  --timeout SECONDS         deadline for each reply (default 10); a silent adapter is killed and restarted
  --no-build                do not build stale adapters first
  --bail                    stop at the first unexpected failure or error
  --expected-failures FILE  known failures, one "[ADAPTER] SCENARIO" per line, # comments (repeatable)
  --strict                  fail the run when a listed expected failure passes
reporting
  --reporter human|json|junit   default human; json goes to stdout unless --out; junit needs --out
  --out PATH                human: a directory for expected/actual .bin files of every mismatch;
                            json, junit: the report file (the .bin files go to PATH without its
                            extension + ".bins/")

exit codes: 0 all passed or expected, 1 a failure or error, 2 usage or invalid input
`;

const VALUE_FLAGS = new Set(["--adapter", "--exec", "--filter", "--tag", "--shard", "--jobs", "--timeout", "--expected-failures", "--reporter", "--out", "--vectors"]);
const BOOLEAN_FLAGS = new Set(["--bail", "--no-build", "--strict", "--help", "-h"]);

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

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0) || seconds > 86400) {
    throw new UsageError(`--timeout: expected a positive number of seconds (e.g. 10 or 0.5), got ${JSON.stringify(text)}`);
  }
  return Math.round(seconds * 1000);
}

export function parseOptions(args: readonly string[], root: string): Options {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (VALUE_FLAGS.has(flag)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${flag}: expected a value after it`);
      values.set(flag, [...(values.get(flag) ?? []), value]);
    } else if (BOOLEAN_FLAGS.has(flag) && eq === -1) {
      flags.add(flag);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`conformance: unknown flag ${JSON.stringify(arg)}; see rsm conformance --help`);
    } else {
      throw new UsageError(`conformance: unexpected argument ${JSON.stringify(arg)}; to choose scenarios use --filter`);
    }
  }
  const all = (flag: string) => values.get(flag) ?? [];
  const last = (flag: string) => all(flag).at(-1);
  const reporter = last("--reporter") ?? "human";
  if (reporter !== "human" && reporter !== "json" && reporter !== "junit") {
    throw new UsageError(`--reporter: expected human, json or junit, got ${JSON.stringify(reporter)}`);
  }
  const out = last("--out") ?? null;
  if (reporter === "junit" && out === null) throw new UsageError("--reporter junit: expected --out FILE, the JUnit XML file to write");
  const execs = all("--exec").map(splitCommandLine);
  if (execs.length > 0 && all("--adapter").length > 0) {
    throw new UsageError("--exec runs a command instead of the registered adapters; it cannot be combined with --adapter");
  }
  const vectors = last("--vectors");
  const strict = flags.has("--strict");
  const expectedFailures = all("--expected-failures").map((f) => path.resolve(f));
  return {
    adapters: all("--adapter"),
    execs,
    filters: all("--filter"),
    tags: all("--tag"),
    shard: last("--shard") === undefined ? null : parseShard(last("--shard")!),
    jobs: last("--jobs") === undefined ? 1 : parseJobs(last("--jobs")!),
    timeoutMs: last("--timeout") === undefined ? 10_000 : parseTimeout(last("--timeout")!),
    bail: flags.has("--bail"),
    build: !flags.has("--no-build"),
    expectedFailures,
    strict,
    reporter,
    out: out === null ? null : path.resolve(out),
    vectors: vectors === undefined ? path.join(root, GOLDEN_DIR) : path.resolve(vectors),
    help: flags.has("--help") || flags.has("-h"),
  };
}
