// `rsm fuzz`: differential fuzzing of every selected adapter against the reference, with fast-check's
// generation and shrinking. See FUZZ_USAGE.
import fc from "fast-check";
import path from "node:path";
import { requiredFeatures, runScenario, type GoldenVector, type NormalizedScenario } from "../../reference/index.js";
import { EXIT_FAILED, EXIT_OK } from "../../cli/errors.js";
import { goldenFor } from "../../corpus/golden.js";
import { compareSnapshots } from "../../runner/compare.js";
import { diagnose, type Diagnosis } from "../../runner/diagnose.js";
import { failsTheRun, openFleet, type FleetAdapter } from "../../runner/fleet.js";
import { diagnosisLines, fatalLines, stepJson } from "../../runner/reporters/human.js";
import { PLAIN } from "../../runner/reporters/style.js";
import { scenarioJson } from "../../runner/protocol.js";
import type { RunOutcome } from "../../runner/session.js";
import { scenarioArbitrary } from "../arbitraries.js";
import { toAuthored, writeFound } from "./found.js";
import { FUZZ_USAGE, parseFuzzOptions } from "./options.js";

export interface FuzzIo {
  out(line: string): void;
  /** Progress, overwritten in place on a terminal. */
  progress(line: string): void;
}

/** An adapter's answer to one scenario; null when it is given up, "skipped" when it lacks a feature. */
type Answer = RunOutcome | null | "skipped";

/** The first adapter whose answer differs from the reference, and how. */
interface Divergence {
  adapter: FleetAdapter;
  answer: Answer;
  /** Set when the answer is not a result: what went wrong, with the tail of the adapter's stderr. */
  error: string | null;
}

function errorOf(answer: Answer): string | null {
  if (answer === null) return "the adapter was given up (it could not be started again, or timed out repeatedly)";
  if (answer === "skipped" || answer.kind === "result" || answer.kind === "aborted") return null;
  const what = answer.kind === "refused" ? `answered with an error (R-PROTO-8): ${answer.message}` : answer.reason;
  return answer.stderr ? `${what}; stderr: ${answer.stderr.trim().split("\n").slice(-3).join(" | ")}` : what;
}

function divergenceOf(fleet: readonly FleetAdapter[], expected: GoldenVector["snapshots"], answers: readonly Answer[]): Divergence | null {
  for (let i = 0; i < answers.length; i++) {
    const answer = answers[i]!;
    if (answer === "skipped") continue;
    const error = errorOf(answer);
    if (error !== null) return { adapter: fleet[i]!, answer, error };
    if (answer !== null && answer.kind === "result" && compareSnapshots(expected, answer.snapshots).kind !== "pass") return { adapter: fleet[i]!, answer, error: null };
  }
  return null;
}

/** Every adapter's answer to one scenario, in fleet order; all adapters work at the same time. */
function runAll(fleet: readonly FleetAdapter[], scenario: NormalizedScenario, trace = false): Promise<Answer[]> {
  const needs = requiredFeatures(scenario);
  const req = { name: "fuzz", scenario, scenarioText: scenarioJson(scenario), trace };
  return Promise.all(fleet.map((a) => (needs.some((f) => !a.features.has(f)) ? "skipped" : a.run(req))));
}

export async function fuzzCommand(args: string[], root: string, io: FuzzIo): Promise<number> {
  const o = parseFuzzOptions(args, root, () => Date.now() % 2 ** 31);
  if (o.help) {
    io.out(FUZZ_USAGE.trimEnd());
    return EXIT_OK;
  }
  const all = await openFleet(root, { adapters: o.adapters, execs: o.execs, build: o.build, start: true, timeoutMs: o.timeoutMs, note: (l) => io.out(`fuzz: ${l}`) });
  await Promise.all(all.map((a) => a.ready));
  // An adapter that cannot run is reported as conformance reports it: NOT RUN when only its toolchain or a
  // library is missing (the others are fuzzed), an adapter problem that fails the command otherwise.
  for (const a of all) if (a.fatal) for (const line of fatalLines(a.name, a.command, a.fatal, PLAIN)) io.out(line);
  const fleet = all.filter((a) => a.fatal === null);
  if (all.some((a) => failsTheRun(a.fatal))) {
    await Promise.all(fleet.map((a) => a.close()));
    return EXIT_FAILED;
  }
  const names = fleet.map((a) => a.name);
  io.out(`fuzz: seed ${o.seed} (reproduce with --seed ${o.seed} --runs ${o.runs} --max-steps ${o.maxSteps}); adapters ${names.join(", ") || "none"}`);

  const started = performance.now();
  let count = 0;
  let lastReport = started;
  const property = fc.asyncProperty(scenarioArbitrary({ maxSteps: o.maxSteps }), async (scenario) => {
    count++;
    const now = performance.now();
    if (now - lastReport > 1000) {
      lastReport = now;
      io.progress(`fuzz: ${count} scenarios, ${Math.round((count / (now - started)) * 1000)}/s`);
    }
    const expected = runScenario(scenario).snapshots as GoldenVector["snapshots"];
    return divergenceOf(fleet, expected, await runAll(fleet, scenario)) === null;
  });

  try {
    const details = await fc.check(property, {
      seed: o.seed,
      numRuns: o.runs,
      interruptAfterTimeLimit: o.timeLimitMs ?? undefined,
      markInterruptAsFailure: false,
    });
    const elapsed = (performance.now() - started) / 1000;
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    if (!details.failed) {
      const tried = details.numRuns;
      io.out(`fuzz: no divergence in ${tried} scenarios across the reference and ${names.join(", ")} in ${elapsed.toFixed(1)} s (${Math.round(tried / elapsed)} scenarios/s); seed ${o.seed}${details.interrupted ? " (stopped by --time-limit)" : ""}`);
      return EXIT_OK;
    }
    const scenario = details.counterexample![0];
    return await report(scenario, details.numShrinks, elapsed);
  } finally {
    await Promise.all(fleet.map((a) => a.close()));
  }

  async function report(scenario: NormalizedScenario, shrinks: number, elapsed: number): Promise<number> {
    const expected = runScenario(scenario).snapshots as GoldenVector["snapshots"];
    const d = divergenceOf(fleet, expected, await runAll(fleet, scenario));
    if (d === null) {
      io.out(`fuzz: a divergence was found but did not reproduce on the shrunk scenario (a flaky adapter?); seed ${o.seed}`);
      return EXIT_FAILED;
    }
    const name = d.adapter.name;
    const golden = goldenFor("fuzz/counterexample", scenario, "fuzz");
    let diagnosis: Diagnosis | null = null;
    let where: string;
    if (d.error === null && d.answer !== null && d.answer !== "skipped" && d.answer.kind === "result") {
      io.out(`fuzz: ${name} diverges from the reference after ${count} scenarios (${elapsed.toFixed(1)} s); shrunk ${shrinks} times to ${scenario.steps.length} steps`);
      const mismatch = compareSnapshots(expected, d.answer.snapshots);
      where = "diverges";
      if (mismatch.kind === "mismatch") {
        const traced = await d.adapter.run({ name: "fuzz", scenario, scenarioText: scenarioJson(scenario), trace: true });
        const trace = traced !== null && traced.kind === "result" && traced.trace ? traced.trace : `the re-run with trace failed: ${errorOf(traced) ?? "no trace"}`;
        diagnosis = diagnose(golden, mismatch.index, mismatch.expected, mismatch.actualHex, trace);
        const step = diagnosis.divergence?.step ?? mismatch.expected.step;
        where = `diverges at step ${step} (${stepJson(scenario.steps[step]!, 120)})`;
      }
    } else {
      // An adapter error is not a divergence of the state machine: say so, with the adapter's own words.
      io.out(`fuzz: ${name} fails with an error after ${count} scenarios (${elapsed.toFixed(1)} s); shrunk ${shrinks} times to ${scenario.steps.length} steps`);
      where = `fails with an error: ${(d.error ?? "").slice(0, 200)}`;
    }
    const description = `Found by npm run fuzz (seed ${o.seed}, max ${o.maxSteps} steps) and shrunk by fast-check: adapter ${name} ${where}. Catches that divergence in any port.`;
    const file = await writeFound(o.found, name, o.seed, toAuthored(scenario, description, ["found", "fuzz"]));
    io.out(`fuzz: wrote ${path.relative(process.cwd(), file)}; run npm run vectors to give it a golden`);
    io.out(`${d.error === null ? "FAIL" : "ERROR"} ${name} ${path.relative(process.cwd(), file)}`);
    if (diagnosis) for (const line of diagnosisLines(diagnosis, PLAIN)) io.out(`  ${line}`);
    else io.out(`  ${d.error ?? where}`);
    return EXIT_FAILED;
  }
}
