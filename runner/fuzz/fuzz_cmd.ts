// `rsm fuzz`: differential fuzzing of every selected adapter against the reference, with fast-check's
// generation and shrinking. See FUZZ_USAGE.
import fc from "fast-check";
import path from "node:path";
import { requiredFeatures, runScenario, type GoldenVector, type NormalizedScenario } from "../../reference/index.js";
import { scenarioArbitrary } from "../arbitraries.js";
import { compareSnapshots } from "../conformance/compare.js";
import { diagnose, type Diagnosis } from "../conformance/diagnose.js";
import { goldenFor } from "../golden.js";
import { AdapterStartFailed } from "../conformance/errors.js";
import { loadRegistry } from "../conformance/registry.js";
import { diagnosisLines, stepJson } from "../conformance/reporters/human.js";
import { PLAIN } from "../conformance/reporters/style.js";
import { buildIfStale, planTargets } from "../conformance/targets.js";
import { EXIT_FAILED, EXIT_OK, InvalidInput } from "../errors.js";
import { Fleet, type Answer } from "./fleet.js";
import { toAuthored, writeFound } from "./found.js";
import { FUZZ_USAGE, parseFuzzOptions } from "./options.js";

export interface FuzzIo {
  out(line: string): void;
  /** Progress, overwritten in place on a terminal. */
  progress(line: string): void;
}

/** The first adapter whose answer differs from the reference, and how. */
interface Divergence {
  adapter: string;
  snapshots: GoldenVector["snapshots"];
  answer: Answer;
}

function divergenceOf(names: readonly string[], expected: GoldenVector["snapshots"], answers: readonly Answer[]): Divergence | null {
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i]!;
    if (a.kind === "skipped") continue;
    if (a.kind === "error") return { adapter: names[i]!, snapshots: expected, answer: a };
    try {
      if (compareSnapshots(expected, a.snapshots).kind !== "pass") return { adapter: names[i]!, snapshots: expected, answer: a };
    } catch (err) {
      // Wrong number or order of snapshots (R-PROTO-6) is a divergence too.
      return { adapter: names[i]!, snapshots: expected, answer: { kind: "error", reason: (err as Error).message } };
    }
  }
  return null;
}

export async function fuzzCommand(args: string[], root: string, io: FuzzIo): Promise<number> {
  const o = parseFuzzOptions(args, root, () => Date.now() % 2 ** 31);
  if (o.help) {
    io.out(FUZZ_USAGE.trimEnd());
    return EXIT_OK;
  }
  const targets = planTargets(root, o.execs.length > 0 ? [] : await loadRegistry(root), o.adapters, o.execs);
  for (const t of targets) {
    if (!o.build) break;
    const { fatal } = await buildIfStale(root, t, (l) => io.out(`fuzz: ${l}`));
    if (fatal && !fatal.optional) throw new InvalidInput([`fuzz: adapter ${t.name} cannot be built: ${fatal.message}`, ...(fatal.output ? [fatal.output.trimEnd()] : [])]);
  }
  let fleet: Fleet;
  try {
    fleet = await Fleet.start(targets, o.timeoutMs);
  } catch (err) {
    if (err instanceof AdapterStartFailed) throw new InvalidInput([`fuzz: ${err.message}`, ...(err.stderrTail ? [err.stderrTail.trimEnd()] : [])]);
    throw err;
  }
  io.out(`fuzz: seed ${o.seed} (reproduce with --seed ${o.seed} --runs ${o.runs} --max-steps ${o.maxSteps}); adapters ${fleet.names.join(", ")}`);

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
    const answers = await fleet.runAll(scenario, requiredFeatures(scenario));
    return divergenceOf(fleet.names, expected, answers) === null;
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
      io.out(`fuzz: no divergence in ${tried} scenarios across the reference and ${fleet.names.join(", ")} in ${elapsed.toFixed(1)} s (${Math.round(tried / elapsed)} scenarios/s); seed ${o.seed}${details.interrupted ? " (stopped by --time-limit)" : ""}`);
      return EXIT_OK;
    }
    const scenario = details.counterexample![0];
    return await report(scenario, details.numShrinks, elapsed);
  } finally {
    await fleet.close();
  }

  async function report(scenario: NormalizedScenario, shrinks: number, elapsed: number): Promise<number> {
    const expected = runScenario(scenario).snapshots as GoldenVector["snapshots"];
    const needs = requiredFeatures(scenario);
    const d = divergenceOf(fleet.names, expected, await fleet.runAll(scenario, needs));
    if (d === null) {
      io.out(`fuzz: a divergence was found but did not reproduce on the shrunk scenario (a flaky adapter?); seed ${o.seed}`);
      return EXIT_FAILED;
    }
    io.out(`fuzz: ${d.adapter} diverges from the reference after ${count} scenarios (${elapsed.toFixed(1)} s); shrunk ${shrinks} times to ${scenario.steps.length} steps`);
    const golden = goldenFor("fuzz/counterexample", scenario, "fuzz");
    let diagnosis: Diagnosis | null = null;
    let where = "";
    if (d.answer.kind === "result") {
      const mismatch = compareSnapshots(expected, d.answer.snapshots);
      if (mismatch.kind === "mismatch") {
        const traced = await fleet.runOne(d.adapter, scenario, needs, true);
        const trace = traced.kind === "result" && traced.trace ? traced.trace : `the re-run with trace failed: ${traced.kind === "error" ? traced.reason : "skipped"}`;
        diagnosis = diagnose(golden, mismatch.index, mismatch.expected, mismatch.actualHex, trace);
        const step = diagnosis.divergence?.step ?? mismatch.expected.step;
        where = `diverges at step ${step} (${stepJson(scenario.steps[step]!, 120)})`;
      }
    } else if (d.answer.kind === "error") {
      where = `fails with an error: ${d.answer.reason.slice(0, 200)}`;
    }
    const description = `Found by npm run fuzz (seed ${o.seed}, max ${o.maxSteps} steps) and shrunk by fast-check: adapter ${d.adapter} ${where}. Catches that divergence in any port.`;
    const file = await writeFound(o.found, d.adapter, o.seed, toAuthored(scenario, description, ["found", "fuzz"]));
    io.out(`fuzz: wrote ${path.relative(process.cwd(), file)}; run npm run vectors to give it a golden`);
    io.out(`FAIL ${d.adapter} ${path.relative(process.cwd(), file)}`);
    if (diagnosis) for (const line of diagnosisLines(diagnosis, PLAIN)) io.out(`  ${line}`);
    else io.out(`  ${where}`);
    return EXIT_FAILED;
  }
}
