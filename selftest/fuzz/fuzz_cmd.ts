// `rsm fuzz`: differential fuzzing of every selected adapter against the reference, with fast-check's
// generation and shrinking. See FUZZ_SPEC.
import fc from "fast-check";
import path from "node:path";
import { requiredFeatures, runScenario, type GoldenVector, type NormalizedScenario } from "../../reference/index.js";
import { usage } from "../../common/args.js";
import { EXIT_FAILED, EXIT_OK } from "../../common/errors.js";
import { goldenFor } from "../../corpus/golden.js";
import { compareSnapshots } from "../../runner/diagnosis/compare.js";
import { diagnose, type Diagnosis } from "../../runner/diagnosis/diagnose.js";
import { failsTheRun, openFleet, type FleetAdapter } from "../../runner/adapter/fleet.js";
import { diagnosisLines, fatalLines, stepJson } from "../../runner/report/reporters/human.js";
import { PLAIN } from "../../runner/report/reporters/style.js";
import { scenarioJson } from "../../runner/adapter/protocol.js";
import type { RunOutcome } from "../../runner/adapter/session.js";
import { fuzzArbitrary } from "../arbitraries.js";
import { toAuthored, writeFound } from "./found.js";
import { fuzzDecode } from "./fuzz_decode.js";
import { FUZZ_SPEC, parseFuzzOptions } from "./options.js";
import type { FuzzIo } from "./fuzz_io.js";


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
    io.out(usage(FUZZ_SPEC));
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
  if (o.mode === "decode") {
    io.out(`fuzz: seed ${o.seed} (reproduce with --mode decode --seed ${o.seed}); decode inputs; adapters ${fleet.map((a) => a.name).join(", ") || "none"}`);
    try {
      return await fuzzDecode(fleet, o, io);
    } finally {
      await Promise.all(fleet.map((a) => a.close()));
    }
  }
  const mode = o.mode;
  const names = fleet.map((a) => a.name);
  const reproduce = `--seed ${o.seed} --mode ${o.mode} --max-steps ${o.maxSteps}`;
  const budget = [o.runs !== null ? `${o.runs} scenarios` : null, o.timeLimitMs !== null ? `${o.timeLimitMs / 1000} s` : null].filter((x) => x !== null).join(" or ");
  io.out(`fuzz: seed ${o.seed} (reproduce with ${reproduce}${o.runs !== null ? ` --runs ${o.runs}` : ""}); stops after ${budget}; adapters ${names.join(", ") || "none"}`);

  const started = performance.now();
  let count = 0;
  let lastReport = started;
  const property = fc.asyncProperty(fuzzArbitrary(mode, o.maxSteps), async (scenario) => {
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
    // The search stops at the time limit, which would also cut shrinking short; so it ends on the first
    // failure, and fast-check then replays that failure from its seed and path and shrinks it with no limit.
    const search = await fc.check(property, {
      seed: o.seed,
      numRuns: o.runs ?? Number.POSITIVE_INFINITY,
      interruptAfterTimeLimit: o.timeLimitMs ?? undefined,
      markInterruptAsFailure: false,
      endOnFailure: true,
    });
    const elapsed = (performance.now() - started) / 1000;
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    if (!search.failed) {
      const tried = search.numRuns;
      io.out(`fuzz: no divergence in ${tried} scenarios across the reference and ${names.join(", ")} in ${elapsed.toFixed(1)} s (${Math.round(tried / elapsed)} scenarios/s); seed ${o.seed}${search.interrupted ? " (stopped by the time limit)" : ""}`);
      return EXIT_OK;
    }
    const shrunk = await fc.check(property, { seed: o.seed, path: search.counterexamplePath! });
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    const scenario = shrunk.failed ? shrunk.counterexample![0] : search.counterexample![0];
    return await report(scenario, search.numRuns, shrunk.numShrinks, elapsed);
  } finally {
    await Promise.all(fleet.map((a) => a.close()));
  }

  /** found: the scenarios generated up to and including the first that diverged (shrinking runs more). */
  async function report(scenario: NormalizedScenario, found: number, shrinks: number, searched: number): Promise<number> {
    const elapsed = `${searched.toFixed(1)} s, then ${((performance.now() - started) / 1000 - searched).toFixed(1)} s shrinking`;
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
      io.out(`fuzz: ${name} diverges from the reference after ${found} scenarios (${elapsed}); shrunk ${shrinks} times to ${scenario.steps.length} steps; reproduce with ${reproduce} --runs ${found}`);
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
      io.out(`fuzz: ${name} fails with an error after ${found} scenarios (${elapsed}); shrunk ${shrinks} times to ${scenario.steps.length} steps; reproduce with ${reproduce} --runs ${found}`);
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
