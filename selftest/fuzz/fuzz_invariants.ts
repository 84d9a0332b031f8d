// `rsm fuzz --mode invariants`: scenarios with elections, partitions, crashes and compaction through the
// reference alone, which asserts Raft's five safety properties (Figure 3: Election Safety, Leader
// Append-Only, Log Matching, Leader Completeness, State Machine Safety; reference/raft_safety.ts) after every
// step. No adapter takes part: a violation is a bug in the kit's reading of SPEC.md 3.4, so it is shrunk
// and kept as a scenario like a port's divergence, to be understood and fixed in the reference and SPEC.md.
import fc from "fast-check";
import path from "node:path";
import { runScenario, type NormalizedScenario } from "../../reference/index.js";
import { EXIT_FAILED, EXIT_OK } from "../../common/errors.js";
import { fuzzArbitrary } from "../arbitraries.js";
import { toAuthored, writeFound } from "./found.js";
import type { FuzzIo } from "./fuzz_io.js";
import { searchParameters, type FuzzOptions } from "./options.js";

type Run = (scenario: NormalizedScenario, options: { checkSafety: boolean }) => unknown;

/** What the reference's run of the scenario with the safety checks says: null, or the broken property. */
export function safetyViolation(scenario: NormalizedScenario, run: Run = runScenario): string | null {
  try {
    run(scenario, { checkSafety: true });
    return null;
  } catch (e) {
    // Any throw is the kit's bug (the scenario is valid by construction), an invariant's message or not.
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

export interface InvariantRun {
  readonly runs: number;
  readonly seconds: number;
  /** The shrunk scenario and its violation, or null when every scenario kept the properties. */
  readonly violation: { scenario: NormalizedScenario; message: string; shrinks: number } | null;
  readonly interrupted: boolean;
}

/**
 * The search itself, without output. `run` is the reference's runScenario; fuzz_invariants.test.ts gives it a
 * buggy variant's instead, to show that the search finds and shrinks a broken property.
 */
export function searchInvariants(o: Pick<FuzzOptions, "seed" | "runs" | "timeLimitMs" | "maxSteps">, progress: (count: number, ms: number) => void = () => {}, run: Run = runScenario): InvariantRun {
  const started = performance.now();
  let count = 0;
  const property = fc.property(fuzzArbitrary("invariants", o.maxSteps), (scenario) => {
    count++;
    if (count % 1000 === 0) progress(count, performance.now() - started);
    return safetyViolation(scenario, run) === null;
  });
  const search = fc.check(property, searchParameters(o));
  const seconds = (performance.now() - started) / 1000;
  if (!search.failed) return { runs: search.numRuns, seconds, violation: null, interrupted: search.interrupted };
  const shrunk = fc.check(property, { seed: o.seed, path: search.counterexamplePath! });
  const scenario = (shrunk.failed ? shrunk.counterexample! : search.counterexample!)[0];
  return { runs: search.numRuns, seconds, violation: { scenario, message: safetyViolation(scenario, run) ?? "(did not fail again)", shrinks: shrunk.numShrinks }, interrupted: false };
}

export async function fuzzInvariants(o: FuzzOptions, io: FuzzIo): Promise<number> {
  const reproduce = `--mode invariants --seed ${o.seed} --max-steps ${o.maxSteps}`;
  io.out(`fuzz: seed ${o.seed} (reproduce with ${reproduce}${o.runs !== null ? ` --runs ${o.runs}` : ""}); scenarios with elections through the reference, Raft's safety properties checked after every step`);
  const r = searchInvariants(o, (count, ms) => io.progress(`fuzz: ${count} scenarios, ${Math.round((count / ms) * 1000)}/s`));
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  if (r.violation === null) {
    io.out(`fuzz: no safety violation in ${r.runs} scenarios in ${r.seconds.toFixed(1)} s (${Math.round(r.runs / r.seconds)} scenarios/s); seed ${o.seed}${r.interrupted ? " (stopped by the time limit)" : ""}`);
    return EXIT_OK;
  }
  const { scenario, message, shrinks } = r.violation;
  io.out(`fuzz: the reference breaks a safety property after ${r.runs} scenarios (${r.seconds.toFixed(1)} s); shrunk ${shrinks} times to ${scenario.steps.length} steps; reproduce with ${reproduce} --runs ${r.runs}`);
  const description = `Found by npm run fuzz -- --mode invariants (seed ${o.seed}): the reference breaks Raft's safety (${message.slice(0, 300)}). A kit bug: fix the reference and SPEC.md, then keep this vector.`;
  const file = await writeFound(o.found, "reference-invariants", o.seed, toAuthored(scenario, description, ["found", "fuzz", "elect"]), `${message}\n`);
  io.out(`fuzz: wrote ${path.relative(process.cwd(), file)}`);
  io.out(`FAIL reference ${message}`);
  return EXIT_FAILED;
}
