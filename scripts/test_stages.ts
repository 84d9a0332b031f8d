// `npm test`: the kit's stages one after another, each one's output streamed live, its outcome and time said
// as it ends, and a summary at the end that names every stage passed, FAILED or skipped (with why). An `&&`
// chain stopped at the first failure and said nothing of the stages it never ran, so a red build read as "the
// Rust tests failed" hid that Go, C++ and the conformance run were never tried.
//
// A stage runs even after an earlier one failed unless it needs that one: a lint failure says nothing about
// whether the tests pass, but a stage that drives the built adapters is pointless once their build failed.
//
// Ctrl-C (or SIGTERM, SIGHUP) stops the stage under way and runs no other; the summary still says what ran,
// and the process then ends by that signal as a shell expects (common/signals.ts).
import { spawn } from "node:child_process";
import { terminate, TERMINATING } from "../common/signals.js";

export interface Stage {
  readonly name: string;
  readonly argv: readonly string[];
  /** Stages that must have passed for this one to mean anything; it is skipped when one did not. */
  readonly needs?: readonly string[];
}

const npmRun = (script: string, needs?: readonly string[]): Stage => ({ name: script, argv: ["npm", "run", script], ...(needs ? { needs } : {}) });

/**
 * The stages of `npm test`, in order. test:ts and conformance drive every registered adapter as built by
 * build-adapters (the linear-time guard, the example ports, the whole corpus); the Rust, Go and C++ stages
 * build what they test themselves, so they run whatever became of build-adapters.
 */
export const STAGES: readonly Stage[] = [
  npmRun("lint"),
  npmRun("build-adapters"),
  npmRun("test:ts", ["build-adapters"]),
  npmRun("test:rust"),
  npmRun("test:go"),
  npmRun("test:cpp"),
  npmRun("test:cpp-asan"),
  npmRun("conformance", ["build-adapters"]),
];

/** `stopped`: under way when a signal stopped the run, so neither passed nor failed. */
export type Outcome =
  | { readonly status: "passed"; readonly ms: number }
  | { readonly status: "FAILED" | "stopped"; readonly ms: number; readonly why: string }
  | { readonly status: "skipped"; readonly why: string };

export interface StageResult {
  readonly stage: Stage;
  readonly outcome: Outcome;
}

export interface StagesRun {
  readonly results: readonly StageResult[];
  /** The signal that stopped the run, if one did. */
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
}

/** "8.2 s", "3 min 05 s": a stage of the kit takes from a second to a quarter of an hour. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

function why(stage: Stage, results: readonly StageResult[], signal: NodeJS.Signals | null): string | null {
  if (signal !== null) return `the run was stopped by ${signal}`;
  const unmet = (stage.needs ?? []).map((n) => results.find((r) => r.stage.name === n)).filter((r) => r !== undefined && r.outcome.status !== "passed");
  if (unmet.length === 0) return null;
  return `needs ${unmet.map((r) => `${r!.stage.name}, which ${r!.outcome.status === "FAILED" ? "failed" : "was skipped"}`).join(" and ")}`;
}

/**
 * Runs `stages` in order, each in a process group of its own with the terminal's stdout and stderr, and writes
 * a line as each starts and ends and the summary to `out`. A terminating signal is passed on to the group of
 * the stage under way (a second one kills it) and skips the rest.
 */
export async function runStages(stages: readonly Stage[], out: (text: string) => void, cwd = process.cwd()): Promise<StagesRun> {
  const t0 = performance.now();
  const results: StageResult[] = [];
  let signal: NodeJS.Signals | null = null;
  let group: number | undefined;
  let firstSignalAt = 0;
  const onSignal = (s: NodeJS.Signals) => {
    // Ctrl-C reaches this process twice, from the terminal and again from npm, which passes it on: only a
    // signal well after the first is someone asking again, and kills the stage outright.
    const again = signal !== null && performance.now() - firstSignalAt > 1000;
    if (signal === null) [signal, firstSignalAt] = [s, performance.now()];
    if (group === undefined) return;
    try {
      process.kill(-group, again ? "SIGKILL" : s);
    } catch {
      // The group has already gone.
    }
  };
  for (const s of TERMINATING) process.on(s, onSignal);
  try {
    for (const stage of stages) {
      const skip = why(stage, results, signal);
      if (skip !== null) {
        results.push({ stage, outcome: { status: "skipped", why: skip } });
        out(`== ${stage.name}: skipped (${skip})\n`);
        continue;
      }
      out(`== ${stage.name}: ${stage.argv.join(" ")}\n`);
      const started = performance.now();
      const ended = await new Promise<string | null>((resolve) => {
        // Its own process group, so a signal reaches everything the stage started (npm, a shell, cargo,
        // vitest's workers), not only its first process; stdin is not the stage's to read.
        const child = spawn(stage.argv[0]!, stage.argv.slice(1), { cwd, stdio: ["ignore", "inherit", "inherit"], detached: true });
        group = child.pid;
        child.once("error", (err) => resolve(`could not start ${stage.argv[0]}: ${err.message}`));
        child.once("exit", (code, sig) => resolve(code === 0 ? null : sig !== null ? `ended by ${sig}` : `exit ${code}`));
      });
      group = undefined;
      const ms = performance.now() - started;
      const outcome: Outcome = ended === null ? { status: "passed", ms } : { status: signal === null ? "FAILED" : "stopped", ms, why: ended };
      results.push({ stage, outcome });
      out(`== ${stage.name}: ${outcome.status === "passed" ? "passed" : `${outcome.status} (${ended})`} in ${duration(ms)}\n`);
    }
  } finally {
    for (const s of TERMINATING) process.off(s, onSignal);
  }
  const run = { results, signal, ms: performance.now() - t0 };
  out(summary(run));
  return run;
}

/** The closing summary: one line per stage, then the verdict. */
export function summary(run: StagesRun): string {
  const width = Math.max(...run.results.map((r) => r.stage.name.length));
  const lines = run.results.map(({ stage, outcome: o }) => {
    const detail = o.status === "passed" ? duration(o.ms) : o.status === "skipped" ? o.why : `${duration(o.ms)} (${o.why})`;
    return `  ${o.status.padEnd(7)}  ${stage.name.padEnd(width)}  ${detail}\n`;
  });
  const count = (s: Outcome["status"]) => run.results.filter((r) => r.outcome.status === s).length;
  const verdict = `${count("passed")} passed, ${count("FAILED")} FAILED, ${count("skipped")} skipped${count("stopped") > 0 ? `, ${count("stopped")} stopped` : ""}`;
  const head = run.signal !== null ? `stopped by ${run.signal}: ${verdict}` : count("passed") === run.results.length ? `OK: ${verdict}` : `FAILED: ${verdict}`;
  return `\nnpm test ${head} in ${duration(run.ms)}\n${lines.join("")}`;
}

/** Runs `stages` with this process's stdout, then sets its exit status: 1 when a stage did not pass. */
export async function main(stages: readonly Stage[] = STAGES): Promise<void> {
  const run = await runStages(stages, (text) => process.stdout.write(text));
  // Ends as the signal would have, now that the summary is out.
  if (run.signal !== null) terminate(run.signal);
  process.exitCode = run.results.every((r) => r.outcome.status === "passed") ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
