#!/usr/bin/env -S npx tsx
// The one CLI of the kit. Every error the user can cause ends here as one line per problem and exit code 2;
// only a bug in the kit prints a stack trace, and only with RSM_DEBUG=1.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineCommand, parseFlags, usage, type CommandSpec } from "../common/args.js";
import { EXIT_FAILED, EXIT_USAGE, InvalidInput, UsageError } from "../common/errors.js";
import { actionsLog, commandsStop, consoleLine, terminalLines } from "../common/escape.js";

/** The repository root as seen from this file; cli/launch.mjs passes its own, since the bundle lives elsewhere. */
let ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `rsm` itself: its help lists every command, each from its spec. */
const RSM_SPEC: CommandSpec = {
  name: "",
  synopsis: "<command> [options]",
  brief: "the kit's one CLI",
  summary: "The conformance kit's one command line, run as `npm run cli -- COMMAND` or through an npm script of the same name (`npm run conformance -- --help`); both run `node cli/launch.mjs COMMAND`.",
  positionals: { none: "expected a command" },
  flags: {},
  notes: ["rsm COMMAND --help prints a command's arguments and flags; docs/cli.md lists them all (npm run docs:cli)."],
};

const TYPES_SPEC = defineCommand({
  name: "types",
  synopsis: "[--check]",
  brief: "regenerate reference/types/*.gen.ts from schema/",
  summary: "Regenerates reference/types/*.gen.ts and runner/adapter/validators.gen.ts from schema/.",
  positionals: { none: "expected only --check" },
  flags: {
    check: { type: "boolean", help: "write nothing; exit 1 when one is stale" },
  },
  notes: ["exit codes: 0 written (or fresh), 1 stale (--check), 2 usage error"],
});

// Each command's modules are imported only when it runs (or its spec is asked for: rsm --help, docs/cli.md):
// `types` alone pulls in prettier, and every command would otherwise pay for every other one's start-up.
type Command = (args: string[], out: (line: string) => void) => Promise<number>;

/**
 * What every command prints, through the output boundary (common/escape.ts): a line may quote a scenario, a
 * file name or a port, so each of its lines is escaped for the terminal and for the Actions runner.
 */
function print(line: string): void {
  process.stdout.write(`${actionsLog(terminalLines(line).join("\n"))}\n`);
}

/** The fuzzer's rate: one line rewritten in place on a terminal, a new line every 10 s in a CI log. */
function fuzzProgress(): (line: string) => void {
  let last = 0;
  return (line) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${consoleLine(line)}\x1b[K`);
    else if (performance.now() - last >= 10_000) {
      last = performance.now();
      process.stderr.write(`${consoleLine(line)}\n`);
    }
  };
}

/** Resolves once stdout can take more (or is gone: a reader that quit must not leave us waiting). */
function stdoutDrained(): Promise<void> {
  const stdout = process.stdout;
  if (!stdout.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const e of ["drain", "close", "error"]) stdout.off(e, done);
      resolve();
    };
    for (const e of ["drain", "close", "error"]) stdout.once(e, done);
  });
}

/** A command: its spec (for rsm --help and docs/cli.md), loaded with its module only when asked, and its run. */
interface Entry {
  readonly spec: () => Promise<CommandSpec>;
  readonly run: Command;
  /** What it prints is about a port (its name, messages, stderr, build output): fenced by ::stop-commands:: on GitHub Actions. */
  readonly untrusted?: true;
}

/** Every command, in the order rsm --help and docs/cli.md list them. */
const COMMANDS: Record<string, Entry> = {
  conformance: {
    spec: async () => (await import("../runner/options.js")).CONFORMANCE_SPEC,
    run: async (args) => (await import("../runner/conformance_cmd.js")).conformanceCommand(args, ROOT),
  },
  build: {
    spec: async () => (await import("../runner/build_cmd.js")).BUILD_SPEC,
    run: async (args, out) => (await import("../runner/build_cmd.js")).buildCommand(args, ROOT, out),
    // A failed build prints the compiler's output, and a pull request can change what the compiler reads.
    untrusted: true,
  },
  vectors: {
    spec: async () => (await import("../corpus/vectors_cmd.js")).VECTORS_SPEC,
    run: async (args, out) => (await import("../corpus/vectors_cmd.js")).vectorsCommand(args, ROOT, out),
  },
  fuzz: {
    spec: async () => (await import("../selftest/fuzz/options.js")).FUZZ_SPEC,
    run: async (args, out) => (await import("../selftest/fuzz/fuzz_cmd.js")).fuzzCommand(args, ROOT, { out, progress: fuzzProgress() }),
    untrusted: true,
  },
  mutation: {
    spec: async () => (await import("../selftest/mutation/mutation_cmd.js")).MUTATION_SPEC,
    run: async (args, out) => (await import("../selftest/mutation/mutation_cmd.js")).mutationCommand(args, ROOT, out),
  },
  validate: {
    spec: async () => (await import("../corpus/validate_cmd.js")).VALIDATE_SPEC,
    run: async (args, out) => (await import("../corpus/validate_cmd.js")).validateCommand(args, ROOT, out),
  },
  decode: {
    spec: async () => (await import("../corpus/decode_cmd.js")).DECODE_SPEC,
    run: async (args, out) => (await import("../corpus/decode_cmd.js")).decodeCommand(args, out, { drain: stdoutDrained }),
  },
  trace: {
    spec: async () => (await import("../runner/trace_cmd.js")).TRACE_SPEC,
    run: async (args, out) => (await import("../runner/trace_cmd.js")).traceCommand(args, ROOT, out),
    untrusted: true,
  },
  report: {
    spec: async () => (await import("../runner/report/report_cmd.js")).REPORT_SPEC,
    run: async (args) => (await import("../runner/report/report_cmd.js")).reportCommand(args),
  },
  "golden-text": {
    spec: async () => (await import("../corpus/golden_text_cmd.js")).GOLDEN_TEXT_SPEC,
    run: async (args, out) => (await import("../corpus/golden_text_cmd.js")).goldenTextCommand(args, out),
  },
  "setup-git": {
    spec: async () => (await import("../corpus/setup_git_cmd.js")).SETUP_GIT_SPEC,
    run: async (args, out) => (await import("../corpus/setup_git_cmd.js")).setupGitCommand(args, ROOT, out),
  },
  types: {
    spec: async () => TYPES_SPEC,
    run: async (args, out) => {
      const { values } = parseFlags(TYPES_SPEC, args);
      if (values.help) {
        out(usage(TYPES_SPEC));
        return 0;
      }
      const check = values.check === true;
      const { syncSchemaTypes } = await import("../corpus/schema_types.js");
      const stale = await syncSchemaTypes(ROOT, check ? "check" : "write");
      for (const f of stale) out(`${check ? "stale" : "wrote"} ${f}`);
      if (stale.length === 0) out("types match the schemas");
      return check && stale.length > 0 ? EXIT_FAILED : 0;
    },
  },
  "cli-reference": {
    spec: async () => (await import("./cli_reference.js")).CLI_REFERENCE_SPEC,
    run: async (args, out) => (await import("./cli_reference.js")).cliReferenceCommand(args, ROOT, out, await referenceSpecs()),
  },
};

/** Every command's spec, in COMMANDS's order. */
export async function commandSpecs(): Promise<CommandSpec[]> {
  return Promise.all(Object.values(COMMANDS).map((c) => c.spec()));
}

/** What docs/cli.md documents: rsm with its commands, then the npm scripts that parse flags of their own (bench). */
export async function referenceSpecs(): Promise<{ rsm: CommandSpec; commands: CommandSpec[]; scripts: CommandSpec[] }> {
  return { rsm: RSM_SPEC, commands: await commandSpecs(), scripts: [(await import("../bench/options.js")).BENCH_SPEC] };
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage({ ...RSM_SPEC, subcommands: await commandSpecs() })}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; expected one of ${Object.keys(COMMANDS).join(", ")}`);
  // Its help is the kit's own text, the same everywhere (docs/cli.md is made from it).
  const fence = command.untrusted && !args.includes("--help") && !args.includes("-h") ? commandsStop(process.env) : null;
  if (fence) process.stdout.write(fence.stop);
  try {
    return await command.run(args, print);
  } finally {
    if (fence) process.stdout.write(fence.resume);
  }
}

/** An error as one line per problem, each through the output boundary: a message may quote a scenario's content. */
function report(err: unknown): number {
  if (err instanceof InvalidInput) {
    for (const line of err.lines) process.stderr.write(`${consoleLine(line)}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`rsm: ${consoleLine(err.message)}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`rsm: internal error: ${consoleLine((err as Error)?.message ?? String(err))}\n`);
  process.stderr.write("This is a bug in rsm-conformance; please report it with the command you ran (RSM_DEBUG=1 shows the stack).\n");
  if (process.env.RSM_DEBUG) process.stderr.write(`${actionsLog(terminalLines(String((err as Error)?.stack)).join("\n"))}\n`);
  return EXIT_FAILED;
}

let stdoutWatched = false;

/**
 * A reader that quits early (`rsm decode big.bin | head`) is not an error of ours: stop quietly, as other
 * tools do, rather than die of an unhandled EPIPE with a stack trace. Any other write failure is one line.
 */
function watchStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") process.stderr.write(`rsm: cannot write to standard output: ${err.code ?? err.message}\n`);
    process.exit(err.code === "EPIPE" ? (typeof process.exitCode === "number" ? process.exitCode : 0) : EXIT_FAILED);
  });
}

/** Runs one command line and sets the exit code; `root` is the repository the kit works in. */
export async function cli(argv: string[], root = ROOT): Promise<void> {
  ROOT = root;
  watchStdout();
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    process.exitCode = report(err);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void cli(process.argv.slice(2));
