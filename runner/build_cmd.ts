// `rsm build [NAME...]`: build the stale registered adapters, once, before anything runs them. npm test does
// this first so that test files running in parallel never start the same build twice. An adapter that
// cannot be built is reported exactly as `rsm conformance` reports it.
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { EXIT_FAILED, EXIT_OK } from "../common/errors.js";
import { failsTheRun, openFleet } from "./adapter/fleet.js";
import { fatalLines } from "./report/reporters/human.js";
import { PLAIN } from "./report/reporters/style.js";

export const BUILD_SPEC = defineCommand({
  name: "build",
  synopsis: "[NAME...]",
  brief: "build every stale registered adapter (or those named) and say which failed",
  summary: `Builds every stale registered adapter (adapters/registry.json), or those named, and reports each that cannot
be built as rsm conformance does: NOT RUN when a toolchain or library is missing, a failure otherwise.`,
  positionals: [{ name: "NAME...", help: "the registered adapters to build if stale (default: every one); an unknown name is a usage error" }],
  flags: {},
  notes: ["exit codes: 0 every adapter ready or not run, 1 a build failed, 2 usage error"],
});

export async function buildCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(BUILD_SPEC, args);
  if (values.help) {
    out(usage(BUILD_SPEC));
    return EXIT_OK;
  }
  const fleet = await openFleet(root, { adapters: positionals, execs: [], build: true, start: false, timeoutMs: 0, note: out });
  await Promise.all(fleet.map((a) => a.ready));
  for (const a of fleet) if (a.fatal) for (const line of fatalLines(a.name, a.command, a.fatal, PLAIN)) out(line);
  const ready = fleet.filter((a) => a.fatal === null).map((a) => a.name);
  const notRun = fleet.filter((a) => a.fatal?.optional).map((a) => a.name);
  const failed = fleet.filter((a) => failsTheRun(a.fatal)).map((a) => a.name);
  out([`adapters ready: ${ready.join(", ") || "none"}`, ...(notRun.length ? [`not run: ${notRun.join(", ")}`] : []), ...(failed.length ? [`failed: ${failed.join(", ")}`] : [])].join("; "));
  return failed.length === 0 ? EXIT_OK : EXIT_FAILED;
}
