// The fuzz command line. Every bad flag is a UsageError naming it and what was expected (exit 2).
import path from "node:path";
import { UsageError } from "../errors.js";
import { splitCommandLine } from "../conformance/shell_words.js";

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

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0) throw new UsageError(`${flag}: expected a number of seconds above 0, got ${JSON.stringify(value)}`);
  return Math.round(n * 1000);
}

export function parseFuzzOptions(args: readonly string[], root: string, randomSeed: () => number): FuzzOptions {
  const adapters: string[] = [];
  const execs: string[][] = [];
  let seed: number | null = null;
  let runs = 1000;
  let maxSteps = 50;
  let timeLimitMs: number | null = null;
  let timeoutMs = 10_000;
  let build = true;
  let found = path.join(root, "vectors", "scenarios", "found");
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === "--no-build") build = false;
    else if (flag === "--help" || flag === "-h") help = true;
    else {
      const value = args[i + 1];
      if (!flag.startsWith("--") || !["--adapter", "--exec", "--seed", "--runs", "--max-steps", "--time-limit", "--timeout", "--found"].includes(flag)) {
        throw new UsageError(`fuzz: unknown flag ${JSON.stringify(flag)}; see rsm fuzz --help`);
      }
      if (value === undefined) throw new UsageError(`${flag}: expected a value`);
      i++;
      if (flag === "--adapter") adapters.push(value);
      else if (flag === "--exec") execs.push(splitCommandLine(value));
      else if (flag === "--seed") seed = positiveInt(flag, value, 0) | 0;
      else if (flag === "--runs") runs = positiveInt(flag, value);
      else if (flag === "--max-steps") maxSteps = positiveInt(flag, value);
      else if (flag === "--time-limit") timeLimitMs = seconds(flag, value);
      else if (flag === "--timeout") timeoutMs = seconds(flag, value);
      else found = path.resolve(value);
    }
  }
  if (adapters.length > 0 && execs.length > 0) throw new UsageError("--adapter and --exec do not combine: --exec replaces the registered adapters");
  return { adapters, execs, seed: seed ?? randomSeed(), runs, maxSteps, timeLimitMs, timeoutMs, build, found, help };
}
