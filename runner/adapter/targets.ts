// Which adapters a run drives: the registered ones (all, or those named by --adapter), or instead the ad hoc
// commands of --exec. Registered adapters with a build are built first when stale.
import path from "node:path";
import { UsageError } from "../../common/errors.js";
import { BuildFailed } from "./errors.js";
import { isStale, runBuild } from "./build.js";
import type { Launch } from "./children.js";
import type { AdapterFatal } from "../model.js";
import type { RegisteredAdapter } from "./registry.js";

export interface PlannedTarget {
  /** The registered name, or for --exec a placeholder until the hello names it. */
  readonly name: string;
  readonly command: string;
  readonly launch: Launch;
  readonly fromExec: boolean;
  readonly registered: RegisteredAdapter | null;
  /** Named with --adapter: a missing toolchain then fails the run instead of being noted. */
  readonly explicit: boolean;
}

/** A command line for display: words with spaces or quotes are quoted. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export function planTargets(root: string, registry: readonly RegisteredAdapter[], names: readonly string[], execs: readonly (readonly string[])[]): PlannedTarget[] {
  if (execs.length > 0) {
    // Named "exec", "exec-2", ... until the hello gives the port's own name; the command is shown beside it.
    return execs.map((argv, i) => ({
      name: i === 0 ? "exec" : `exec-${i + 1}`,
      command: showCommand(argv),
      launch: { argv, cwd: process.cwd() },
      fromExec: true,
      registered: null,
      explicit: true,
    }));
  }
  for (const n of names) {
    if (!registry.some((a) => a.name === n)) {
      throw new UsageError(`--adapter: no adapter named ${JSON.stringify(n)} in adapters/registry.json; expected one of ${registry.map((a) => a.name).join(", ")}`);
    }
  }
  return registry
    .filter((a) => names.length === 0 || names.includes(a.name))
    .map((a) => ({
      name: a.name,
      command: showCommand(a.run.argv),
      launch: { argv: a.run.argv, cwd: path.join(root, a.run.cwd) },
      fromExec: false,
      registered: a,
      explicit: names.length > 0,
    }));
}

/** Builds a stale registered adapter; returns why it cannot run, or null when it is ready. */
export async function buildIfStale(root: string, t: PlannedTarget, note: (line: string) => void, cancelled: () => boolean = () => false): Promise<{ fatal: AdapterFatal | null; built: boolean }> {
  const build = t.registered?.build;
  // Checked again after the staleness check: the command may have ended meanwhile (FleetAdapter.stop).
  if (!build || !(await isStale(root, t.name, build)) || cancelled()) return { fatal: null, built: false };
  const started = performance.now();
  note(`building ${t.name}: ${showCommand(build.argv)} (in ${build.cwd})`);
  try {
    await runBuild(root, t.name, build, cancelled);
  } catch (err) {
    if (!(err instanceof BuildFailed)) throw err;
    const kind = err.toolMissing ? "toolchain" : "build";
    return { fatal: { kind, message: err.message, output: err.output || null, optional: err.toolMissing && !t.explicit }, built: false };
  }
  note(`built ${t.name} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  return { fatal: null, built: true };
}
