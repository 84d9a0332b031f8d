// The fuzz command line. Every bad flag is a UsageError naming it and what was expected (exit 2).
import path from "node:path";
import { UsageError } from "../../common/errors.js";
import { defineCommand, parseFlags } from "../../common/args.js";
import { parsePath, parseSeconds } from "../../runner/options.js";
import { splitCommandLine } from "../../runner/adapter/shell_words.js";
import { DEFAULT_MAX_STEPS, FUZZ_MODES, type FuzzMode } from "../arbitraries.js";

/** The default time budget; see docs/corpus.md, "What it finds, and the default budget", for the measurements behind it. */
export const DEFAULT_TIME_LIMIT_S = 30;

export interface FuzzOptions {
  readonly adapters: readonly string[];
  readonly execs: readonly (readonly string[])[];
  readonly seed: number;
  /** Scenarios to try at most; null: as many as the time limit allows. */
  readonly runs: number | null;
  readonly mode: FuzzMode;
  readonly maxSteps: number;
  /** null only when --runs is given without --time-limit. */
  readonly timeLimitMs: number | null;
  readonly timeoutMs: number;
  readonly build: boolean;
  /** Where a shrunk counterexample is written as an authored scenario. */
  readonly found: string;
  readonly help: boolean;
}

export const FUZZ_SPEC = defineCommand({
  name: "fuzz",
  synopsis: "[options]",
  brief: "differential fuzzing of adapters against the reference (rsm fuzz --help)",
  summary: `Generates random valid scenarios (fast-check, leaning towards the edges where ports diverge) and runs each
through the reference and every selected adapter, comparing snapshots byte for byte. On the first divergence
it shrinks the scenario, writes it to vectors/scenarios/found/ with what was sent and answered beside it
(NAME.traffic.txt) and prints the runner's diagnosis; a failure that does not come back on the shrunk
scenario is kept as it was seen, unshrunk.`,
  positionals: { none: "see rsm fuzz --help" },
  flags: {
    adapter: { type: "string", multiple: true, value: "NAME", help: "fuzz this registered adapter (repeatable; default: all registered)" },
    exec: { type: "string", multiple: true, value: '"COMMAND"', help: "fuzz this command as an adapter instead (repeatable; not with --adapter)" },
    seed: { type: "string", value: "N", help: "the seed (default: random); always printed, and a run is reproducible from it" },
    "time-limit": { type: "string", value: "SECONDS", help: `stop generating after this long (default ${DEFAULT_TIME_LIMIT_S}; with --runs alone, none)` },
    runs: { type: "string", value: "N", help: "stop after N scenarios (default: as many as the time limit allows)" },
    mode: {
      type: "string",
      value: "MODE",
      help: `mixed (default): mostly normal scenarios, some long and some wide ones; normal: 1 to 7 nodes, up to ${DEFAULT_MAX_STEPS.normal} steps; long: 1 to 7 nodes, up to ${DEFAULT_MAX_STEPS.long} steps; wide: 1 to 255 nodes, up to ${DEFAULT_MAX_STEPS.wide} steps; elect: scenarios with elections, via, and the leader crashed and isolated, as mixed mixes sizes (up to ${DEFAULT_MAX_STEPS.elect} steps), judged on the adapters that announce elect; invariants: the same scenarios through the reference alone, Raft's safety properties (Figure 3) checked after every step, no adapter started; decode: damaged snapshots (bit flips, truncation, extreme lengths, CRC recomputed or not), each adapter that lists decode against the reference's verdict (SPEC.md 4.1); a divergence goes to vectors/decode`,
    },
    "max-steps": {
      type: "string",
      value: "N",
      help: `steps per scenario at most, the final snapshot included (default: ${DEFAULT_MAX_STEPS.mixed} in mixed, where normal and wide scenarios keep to ${DEFAULT_MAX_STEPS.normal}; ${DEFAULT_MAX_STEPS.normal} normal, ${DEFAULT_MAX_STEPS.long} long, ${DEFAULT_MAX_STEPS.wide} wide)`,
    },
    timeout: { type: "string", value: "SECONDS", help: "deadline for each reply (default 10)" },
    "no-build": { type: "boolean", help: "do not build stale adapters first" },
    found: { type: "string", value: "DIR", help: "where a counterexample goes (default vectors/scenarios/found; with --mode decode, vectors/decode)" },
  },
  notes: ["exit codes: 0 no divergence, 1 a divergence (written and diagnosed), 2 usage or invalid input"],
});

function positiveInt(flag: string, value: string, min = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag}: expected a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}


export function parseFuzzOptions(args: readonly string[], root: string, randomSeed: () => number): FuzzOptions {
  const { values: v } = parseFlags(FUZZ_SPEC, args);
  const adapters = v.adapter ?? [];
  const execs = (v.exec ?? []).map(splitCommandLine);
  if (adapters.length > 0 && execs.length > 0) throw new UsageError("--adapter and --exec do not combine: --exec replaces the registered adapters");
  const mode = (v.mode ?? "mixed") as FuzzMode;
  if (!FUZZ_MODES.includes(mode)) throw new UsageError(`--mode: expected one of ${FUZZ_MODES.join(", ")}, got ${JSON.stringify(v.mode)}`);
  return {
    adapters,
    execs,
    seed: v.seed === undefined ? randomSeed() : positiveInt("--seed", v.seed, 0) | 0,
    runs: v.runs === undefined ? null : positiveInt("--runs", v.runs),
    mode,
    maxSteps: v["max-steps"] === undefined ? DEFAULT_MAX_STEPS[mode] : positiveInt("--max-steps", v["max-steps"]),
    timeLimitMs: v["time-limit"] !== undefined ? parseSeconds("--time-limit", v["time-limit"]) : v.runs !== undefined ? null : DEFAULT_TIME_LIMIT_S * 1000,
    timeoutMs: v.timeout === undefined ? 10_000 : parseSeconds("--timeout", v.timeout),
    build: v["no-build"] !== true,
    found: v.found === undefined ? path.join(root, ...(mode === "decode" ? ["vectors", "decode"] : ["vectors", "scenarios", "found"])) : parsePath("--found", v.found),
    help: v.help,
  };
}

/**
 * fast-check's parameters for a search with these options: it ends on the first failure, since the time limit
 * would also cut shrinking short; the caller then replays that failure from its seed and path and shrinks it
 * with no limit.
 */
export function searchParameters(o: Pick<FuzzOptions, "seed" | "runs" | "timeLimitMs">) {
  return { seed: o.seed, numRuns: o.runs ?? Number.POSITIVE_INFINITY, interruptAfterTimeLimit: o.timeLimitMs ?? undefined, markInterruptAsFailure: false, endOnFailure: true } as const;
}
