// `npm run bench`'s command line, apart from bench.ts, which starts measuring as soon as it is loaded: the CLI
// reference (docs/cli.md) reads the spec from here.
import { defineCommand, parseFlags } from "../common/args.js";
import { UsageError } from "../common/errors.js";

export const BENCH_SPEC = defineCommand({
  name: "bench",
  invocation: "npm run bench",
  synopsis: "[-- --runs N] [-- --quick] [-- --only SECTIONS]",
  brief: "what the kit costs and how every implementation scales (bench/results.md)",
  summary: `Measures what the kit costs and how every implementation scales, and writes bench/results.md and
bench/results.json (all sections) or prints the figures as JSON (--only).`,
  positionals: { none: "see npm run bench -- --help" },
  flags: {
    runs: { type: "string", value: "N", help: "runs per figure, the median is kept (default 3; 1 with --quick)" },
    quick: { type: "boolean", help: "scaling up to 10^5 steps instead of 10^6, fewer rounds" },
    only: { type: "string", value: "LETTERS", help: "only these sections among a, b, c, d, e (e.g. --only c); nothing is written" },
  },
  notes: ["Not a test: nothing here asserts a speed; the kit's speed targets are printed beside the measurements."],
});

export interface BenchOptions {
  readonly quick: boolean;
  readonly runs: number;
  /** The sections to run, as letters. */
  readonly only: string;
  readonly help: boolean;
}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const { values: v } = parseFlags(BENCH_SPEC, args);
  const runs = v.runs === undefined ? (v.quick ? 1 : 3) : Number(v.runs);
  if (!/^\d+$/.test(v.runs ?? "1") || runs < 1) throw new UsageError(`--runs: expected a whole number of at least 1, got ${JSON.stringify(v.runs)}`);
  const only = v.only ?? "abcde";
  if (!/^[abcde]+$/.test(only)) throw new UsageError(`--only: expected section letters among a, b, c, d, e (as in --only c), got ${JSON.stringify(only)}`);
  return { quick: v.quick === true, runs, only, help: v.help };
}
