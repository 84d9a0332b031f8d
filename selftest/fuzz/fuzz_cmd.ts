// `rsm fuzz`: differential fuzzing of every selected adapter against the reference, with fast-check's
// generation and shrinking. See FUZZ_SPEC.
import fc from "fast-check";
import path from "node:path";
import { type NormalizedScenario } from "../../reference/index.js";
import { usage } from "../../common/args.js";
import { EXIT_FAILED, EXIT_OK, InternalError } from "../../common/errors.js";
import { goldenFor } from "../../corpus/golden.js";
import { diagnose, type Diagnosis } from "../../runner/diagnosis/diagnose.js";
import { failsTheRun, openFleet } from "../../runner/adapter/fleet.js";
import { diagnosisLines, fatalLines, stepJson } from "../../runner/report/reporters/human.js";
import { PLAIN } from "../../runner/report/reporters/style.js";
import { scenarioJson } from "../../runner/adapter/protocol.js";
import { fuzzArbitrary } from "../arbitraries.js";
import { toAuthored, trafficFile, writeFound } from "./found.js";
import { errorOf, judge, type Divergence } from "./judge.js";
import { trafficText } from "./traffic.js";
import { fuzzDecode } from "./fuzz_decode.js";
import { FUZZ_SPEC, parseFuzzOptions, searchParameters } from "./options.js";
import type { FuzzIo } from "./fuzz_io.js";


export async function fuzzCommand(args: string[], root: string, io: FuzzIo): Promise<number> {
  const o = parseFuzzOptions(args, root, () => Date.now() % 2 ** 31);
  if (o.help) {
    io.out(usage(FUZZ_SPEC));
    return EXIT_OK;
  }
  // The invariant search runs the reference alone: no adapter is started.
  if (o.mode === "invariants") return await (await import("./fuzz_invariants.js")).fuzzInvariants(o, io);
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
  // What the search saw when it stopped: its first failure, kept whatever shrinking makes of it.
  const seen: { first: Divergence | null } = { first: null };
  const property = fc.asyncProperty(fuzzArbitrary(mode, o.maxSteps), async (scenario) => {
    count++;
    const now = performance.now();
    if (now - lastReport > 1000) {
      lastReport = now;
      io.progress(`fuzz: ${count} scenarios, ${Math.round((count / (now - started)) * 1000)}/s`);
    }
    // A wrong byte, an error reply, a broken protocol and a given-up adapter all fail the property alike,
    // so fast-check shrinks each of them.
    const d = await judge(fleet, scenario);
    seen.first ??= d;
    return d === null;
  });

  try {
    const search = await fc.check(property, searchParameters(o));
    const elapsed = (performance.now() - started) / 1000;
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    if (!search.failed) {
      const tried = search.numRuns;
      io.out(`fuzz: no divergence in ${tried} scenarios across the reference and ${names.join(", ")} in ${elapsed.toFixed(1)} s (${Math.round(tried / elapsed)} scenarios/s); seed ${o.seed}${search.interrupted ? " (stopped by the time limit)" : ""}`);
      return EXIT_OK;
    }
    // Only a divergence fails the property; anything else that stops it is the kit's own error.
    const original = seen.first;
    if (original === null) throw new InternalError(`the fuzz search stopped without a divergence: ${String(search.errorInstance)}`);
    const shrunk = await fc.check(property, { seed: o.seed, path: search.counterexamplePath! });
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    // The shrunk scenario is kept only when it fails again, on its own; otherwise the original is kept as it
    // was seen, since a failure that does not come back is still a failure (a flaky port is not conformant).
    const candidate = shrunk.failed ? shrunk.counterexample![0] : null;
    // An adapter given up meanwhile (its restarts failed, or it kept timing out) fails every scenario alike,
    // so such a failure of the shrunk scenario says nothing about it.
    const retried = candidate === null ? null : await judge(fleet, candidate);
    const again = retried !== null && retried.answer !== null ? retried : null;
    const lost =
      again !== null ? null : candidate === null ? "fast-check's replay of it passed" : retried !== null ? "the adapter was given up while it was shrunk" : `it did not fail again on the shrunk scenario (${candidate.steps.length} steps)`;
    return await report(again ?? original, lost, search.numRuns, shrunk.numShrinks, elapsed);
  } finally {
    await Promise.all(fleet.map((a) => a.close()));
  }

  /**
   * found: the scenarios generated up to and including the first that diverged (shrinking runs more); lost:
   * why the shrunk scenario is not the one kept, or null when it is.
   */
  async function report(d: Divergence, lost: string | null, found: number, shrinks: number, searched: number): Promise<number> {
    const elapsed = `${searched.toFixed(1)} s, then ${((performance.now() - started) / 1000 - searched).toFixed(1)} s shrinking`;
    const scenario = d.scenario;
    const name = d.adapter.name;
    const shape = lost === null ? `shrunk ${shrinks} times to ${scenario.steps.length} steps` : `${lost}, so the original scenario (${scenario.steps.length} steps) is kept as it was seen`;
    let diagnosis: Diagnosis | null = null;
    let where: string;
    if (d.error === null) {
      io.out(`fuzz: ${name} diverges from the reference after ${found} scenarios (${elapsed}); ${shape}; reproduce with ${reproduce} --runs ${found}`);
      const mismatch = d.mismatch!;
      where = `diverges at step ${mismatch.expected.step} (${stepJson(scenario.steps[mismatch.expected.step]!, 120)})`;
      // The diagnosis needs the adapter's trace of the same failure, which only a failure that comes back gives.
      if (lost === null) {
        const golden = goldenFor("fuzz/counterexample", scenario, "fuzz");
        const traced = await d.adapter.run({ name: "fuzz", scenario, scenarioText: scenarioJson(scenario), trace: true });
        const trace = traced !== null && traced.kind === "result" && traced.trace ? traced.trace : `the re-run with trace failed: ${errorOf(traced) ?? "no trace"}`;
        diagnosis = diagnose(golden, mismatch.index, mismatch.expected, mismatch.actualHex, trace);
        const step = diagnosis.divergence?.step ?? mismatch.expected.step;
        where = `diverges at step ${step} (${stepJson(scenario.steps[step]!, 120)})`;
      }
    } else {
      // An adapter error is not a divergence of the state machine: say so, with the adapter's own words.
      io.out(`fuzz: ${name} fails with an error after ${found} scenarios (${elapsed}); ${shape}; reproduce with ${reproduce} --runs ${found}`);
      where = `fails with an error: ${d.error.slice(0, 200)}`;
    }
    const how = lost === null ? "and shrunk by fast-check" : `and not shrunk (${lost}; this is the scenario as it failed)`;
    const description = `Found by npm run fuzz (seed ${o.seed}, max ${o.maxSteps} steps) ${how}: adapter ${name} ${where}. Catches that divergence in any port.`;
    const file = await writeFound(o.found, name, o.seed, toAuthored(scenario, description, ["found", "fuzz"]), trafficText(d, o.seed));
    io.out(`fuzz: wrote ${path.relative(process.cwd(), file)} (and what was sent and answered, in ${path.relative(process.cwd(), trafficFile(file))}); run npm run vectors to give it a golden`);
    io.out(`${d.error === null ? "FAIL" : "ERROR"} ${name} ${path.relative(process.cwd(), file)}`);
    if (diagnosis) for (const line of diagnosisLines(diagnosis, PLAIN)) io.out(`  ${line}`);
    else if (lost !== null) io.out(`  seen once, on the original scenario: ${name} ${where}`);
    else io.out(`  ${d.error ?? where}`);
    return EXIT_FAILED;
  }
}
