// The fuzz command line. Every bad flag is a UsageError naming it and what was expected (exit 2).
import path from "node:path";
import { UsageError } from "../../cli/errors.js";
import { parseFlags } from "../../cli/args.js";
import { parsePath, parseSeconds } from "../../runner/options.js";
import { splitCommandLine } from "../../runner/shell_words.js";

export interface FuzzOptions {
  readonly adapters: readonly string[];
  readonly execs: readonly (readonly string[])[];
  readonly seed: number;
  readonly runs: number;
  readonly maxSteps: number;
  readonly timeLimitMs: number | null;
  readonly timeoutMs: number;
  readonly build: boolean;
  /** Where a shrunk counterexample is written as an authored scenario. */
  readonly found: string;
  readonly help: boolean;
}

export const FUZZ_USAGE = `usage: rsm fuzz [options]

Generates random valid scenarios (fast-check, leaning towards the edges where ports diverge) and runs each
through the reference and every selected adapter, comparing snapshots byte for byte. On the first divergence
it shrinks the scenario, writes it to vectors/scenarios/found/ and prints the runner's diagnosis.

  --adapter NAME        fuzz this registered adapter (repeatable; default: all registered)
  --exec "COMMAND"      fuzz this command as an adapter instead (repeatable)
  --seed N              the seed (default: random); always printed, and a run is reproducible from it
  --runs N              scenarios to try (default 1000)
  --max-steps N         steps per scenario at most (default 50)
  --time-limit SECONDS  stop generating after this long (default: none)
  --timeout SECONDS     deadline for each reply (default 10)
  --no-build            do not build stale adapters first
  --found DIR           where a counterexample goes (default vectors/scenarios/found)

exit codes: 0 no divergence, 1 a divergence (written and diagnosed), 2 usage or invalid input
`;

function positiveInt(flag: string, value: string, min = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag}: expected a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const FLAGS = {
  adapter: { type: "string", multiple: true },
  exec: { type: "string", multiple: true },
  seed: { type: "string" },
  runs: { type: "string" },
  "max-steps": { type: "string" },
  "time-limit": { type: "string" },
  timeout: { type: "string" },
  found: { type: "string" },
  "no-build": { type: "boolean" },
} as const;

export function parseFuzzOptions(args: readonly string[], root: string, randomSeed: () => number): FuzzOptions {
  const { values: v } = parseFlags("fuzz", args, FLAGS, "see rsm fuzz --help");
  const adapters = v.adapter ?? [];
  const execs = (v.exec ?? []).map(splitCommandLine);
  if (adapters.length > 0 && execs.length > 0) throw new UsageError("--adapter and --exec do not combine: --exec replaces the registered adapters");
  return {
    adapters,
    execs,
    seed: v.seed === undefined ? randomSeed() : positiveInt("--seed", v.seed, 0) | 0,
    runs: v.runs === undefined ? 1000 : positiveInt("--runs", v.runs),
    maxSteps: v["max-steps"] === undefined ? 50 : positiveInt("--max-steps", v["max-steps"]),
    timeLimitMs: v["time-limit"] === undefined ? null : parseSeconds("--time-limit", v["time-limit"]),
    timeoutMs: v.timeout === undefined ? 10_000 : parseSeconds("--timeout", v.timeout),
    build: v["no-build"] !== true,
    found: v.found === undefined ? path.join(root, "vectors", "scenarios", "found") : parsePath("--found", v.found),
    help: v.help,
  };
}
