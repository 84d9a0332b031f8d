#!/usr/bin/env -S npx tsx
// The one CLI of the kit. Every error the user can cause ends here as one line per problem and exit code 2;
// only a bug in the kit prints a stack trace, and only with RSM_DEBUG=1.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT_FAILED, EXIT_USAGE, InvalidInput, UsageError } from "../common/errors.js";

/** The repository root as seen from this file; cli/launch.mjs passes its own, since the bundle lives elsewhere. */
let ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `usage: rsm <command> [options]

commands:
  conformance [options]   run the golden vectors against adapters (see README "Running the conformance suite")
  build [NAME...]         build every stale registered adapter (or those named) and say which failed
  vectors [--check]       regenerate golden vectors from the reference; --check fails if any is stale
  fuzz [options]          differential fuzzing of adapters against the reference (rsm fuzz --help)
  mutation [variant...]   run buggy variants of the reference over the goldens; fails if one survives
  validate [paths...]     check authored scenarios (default: vectors/scenarios)
  decode <hex | file>     print a snapshot's fields and pairs and whether its CRC is right (--full: no cut)
  trace FILE-OR-NAME      every node's state after every step, the reference's (and a port's: --exec)
  report merge|html|diff  merge the JSON reports of a CI matrix, render one as HTML, diff two (rsm report --help)
  golden-text FILE        print a golden with every snapshot decoded (git's rsm-golden textconv)
  setup-git               configure git to diff vectors/golden/** decoded (README "Reviewing golden changes")
  types [--check]         regenerate reference/types/*.gen.ts from schema/
`;

// Each command's modules are imported only when it runs: `types` alone pulls in prettier, and every command
// would otherwise pay for every other one's start-up.
type Command = (args: string[], out: (line: string) => void) => Promise<number>;

/** The fuzzer's rate: one line rewritten in place on a terminal, a new line every 10 s in a CI log. */
function fuzzProgress(): (line: string) => void {
  let last = 0;
  return (line) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
    else if (performance.now() - last >= 10_000) {
      last = performance.now();
      process.stderr.write(`${line}\n`);
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

const COMMANDS: Record<string, Command> = {
  conformance: async (args) => (await import("../runner/conformance_cmd.js")).conformanceCommand(args, ROOT),
  build: async (args, out) => (await import("../runner/build_cmd.js")).buildCommand(args, ROOT, out),
  vectors: async (args, out) => (await import("../corpus/vectors_cmd.js")).vectorsCommand(args, ROOT, out),
  fuzz: async (args, out) =>
    (await import("../selftest/fuzz/fuzz_cmd.js")).fuzzCommand(args, ROOT, { out, progress: fuzzProgress() }),
  mutation: async (args, out) => (await import("../selftest/mutation/mutation_cmd.js")).mutationCommand(args, ROOT, out),
  validate: async (args, out) => (await import("../corpus/validate_cmd.js")).validateCommand(args, ROOT, out),
  decode: async (args, out) => (await import("../corpus/decode_cmd.js")).decodeCommand(args, out, { drain: stdoutDrained }),
  trace: async (args, out) => (await import("../runner/trace_cmd.js")).traceCommand(args, ROOT, out),
  report: async (args) => (await import("../runner/report/report_cmd.js")).reportCommand(args),
  "golden-text": async (args, out) => (await import("../corpus/golden_text_cmd.js")).goldenTextCommand(args, out),
  "setup-git": async (args, out) => (await import("../corpus/setup_git_cmd.js")).setupGitCommand(args, ROOT, out),
  types: async (args, out) => {
    const { values } = (await import("../common/args.js")).parseFlags("types", args, { check: { type: "boolean" } }, "expected only --check");
    if (values.help) {
      out("usage: rsm types [--check]\n\nRegenerates reference/types/*.gen.ts and runner/adapter/validators.gen.ts from schema/; --check writes nothing\nand exits 1 when one is stale.");
      return 0;
    }
    const check = values.check === true;
    const { syncSchemaTypes } = await import("../corpus/schema_types.js");
    const stale = await syncSchemaTypes(ROOT, check ? "check" : "write");
    for (const f of stale) out(`${check ? "stale" : "wrote"} ${f}`);
    if (stale.length === 0) out("types match the schemas");
    return check && stale.length > 0 ? EXIT_FAILED : 0;
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; expected one of ${Object.keys(COMMANDS).join(", ")}`);
  return command(args, (line) => process.stdout.write(`${line}\n`));
}

function report(err: unknown): number {
  if (err instanceof InvalidInput) {
    for (const line of err.lines) process.stderr.write(`${line}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`rsm: ${err.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`rsm: internal error: ${(err as Error)?.message ?? String(err)}\n`);
  process.stderr.write("This is a bug in rsm-conformance; please report it with the command you ran (RSM_DEBUG=1 shows the stack).\n");
  if (process.env.RSM_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
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
