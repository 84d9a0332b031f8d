// Running the selected vectors through one adapter of the fleet: --jobs sessions pulling from one queue,
// features checked against the hello, every broken outcome recorded as an `error` result and followed by a
// new session, and every answer that is not the golden's asked for again in a fresh process (two that differ are
// nondeterministic) and a byte mismatch that reproduces re-run with trace and diagnosed. Never throws for anything an adapter does.
import { runScenario, type SnapshotEntry } from "../reference/index.js";
import type { FleetAdapter } from "./adapter/fleet.js";
import { runPipeline } from "./adapter/pipeline.js";
import { inFreshProcess, secondTry, secondTryTimeoutMs } from "./adapter/second_try.js";
import type { RunOutcome, ScenarioToRun, Session } from "./adapter/session.js";
import type { Check } from "./checks/check.js";
import { lateLineResult } from "./checks/late_line.js";
import type { Vector } from "./corpus.js";
import type { CorpusStream } from "./corpus_stream.js";
import { compareSnapshots } from "./diagnosis/compare.js";
import { answerText, nondeterministic, sameAnswer } from "./diagnosis/answers.js";
import { explainMismatch } from "./diagnosis/mismatch.js";
import type { ExpectedFailures } from "./expected_failures.js";
import { vectorFacts } from "./diagnosis/vector_outcome.js";
import { isUnexpectedProblem, type AdapterReport, type ScenarioResult, type VectorFacts } from "./model.js";

export interface RunContext {
  /** Features whose absence fails a scenario instead of skipping it (--require-features). */
  readonly requireFeatures: "all" | readonly string[];
  readonly jobs: number;
  readonly expected: ExpectedFailures;
  readonly bail: boolean;
  /** Shared by every adapter of the run: set by --bail at the first unexpected problem. */
  readonly stop: { stopped: boolean };
  /** The checks beyond the corpus that run per adapter, before or after its corpus (runner/checks/index.ts). */
  readonly checks: readonly Check[];
  onResult(adapter: FleetAdapter, result: ScenarioResult): void;
  /** The snapshots an adapter answered for a vector, passing or not: the decode matrix's inputs (runner/checks/decode.ts). */
  onProduced?(adapter: FleetAdapter, v: Vector, snapshots: readonly SnapshotEntry[]): void;
}

/** What became of a vector on an adapter, before it is named and checked against the expected-failures list. */
export type VectorOutcome = Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure">;
/**
 * What became of one vector on one session; `outcome` is the run request's, for the fleet's timeout count.
 * No result: aborted (to be sent again), or the golden itself turned out bad (`badGolden`).
 */
type Attempt = { result: VectorOutcome; outcome: RunOutcome; produced?: RunOutcome } | { result: null; outcome: RunOutcome; badGolden?: string };

function request(v: Vector, trace: boolean): ScenarioToRun {
  return { name: v.name, scenario: v.golden.scenario, scenarioText: v.scenarioText, trace, expected: v.golden.snapshots };
}

const FIRST_TRY = "first try";
const SECOND_TRY = "second try, in a fresh process";

/**
 * The normal verdict on an answer that is not the golden's bytes: an error for a broken adapter or an error
 * reply, and for other bytes a diagnosis from the port's trace, run on `session` while it lives (else in a
 * fresh process). A traced run whose snapshots are not the ones just answered makes the verdict
 * nondeterministic instead: a trace that matches the reference would otherwise blame the snapshot step (R-SNAP-3).
 */
async function verdictOf(adapter: FleetAdapter, session: Session, v: Vector, o: Exclude<RunOutcome, { kind: "aborted" }>): Promise<VectorOutcome> {
  if (o.kind === "broken") return { status: "error", reason: o.reason, stderrTail: o.stderr || null, restarted: true, diagnosis: null, durationMs: o.durationMs };
  if (o.kind === "refused") return { status: "error", reason: `the adapter answered with an error (R-PROTO-8): ${o.message}`, stderrTail: o.stderr || null, restarted: false, diagnosis: null, durationMs: o.durationMs };
  const cmp = compareSnapshots(v.golden.snapshots, o.snapshots);
  if (cmp.kind === "pass") return { status: "passed", reason: null, stderrTail: null, restarted: false, diagnosis: null, durationMs: o.durationMs };
  const explainOn = (s: Session) => explainMismatch(s, v, cmp);
  const explained = session.alive ? await explainOn(session) : ((await inFreshProcess(adapter, { before: `the re-run of ${v.name} with trace` }, explainOn)) ?? (await explainMismatch("the re-run with trace could not start the adapter", v, cmp)));
  if (explained.traced !== undefined && sameAnswer(o, explained.traced) === false) {
    return { ...nondeterministic(v.name, v.golden.snapshots, o, explained.traced, ["the run", "its re-run with trace"]), restarted: explained.restarted };
  }
  return { status: explained.status, reason: explained.reason, stderrTail: null, restarted: explained.restarted, diagnosis: explained.diagnosis, durationMs: o.durationMs };
}

/**
 * One vector on one session. An answer that is not the golden's bytes is asked for once more in a fresh
 * process before any verdict (R-PROTO-11): answers that differ are `nondeterministic`; a first try that
 * only timed out is judged on the second, which waits longer (a busy machine is not a hung port).
 */
async function attempt(adapter: FleetAdapter, session: Session, v: Vector): Promise<Attempt> {
  const first = await session.run(request(v, false));
  if (first.kind === "aborted") return { result: null, outcome: first };
  if (first.kind === "result") {
    const cmp = compareSnapshots(v.golden.snapshots, first.snapshots);
    if (cmp.kind === "pass") return { result: { status: "passed", reason: null, stderrTail: null, restarted: false, diagnosis: null, durationMs: first.durationMs }, outcome: first };
    // Before blaming the port: is the golden what the reference computes? A hand-edited or stale golden is
    // the corpus's fault, whatever the port answered.
    const reference = compareSnapshots(runScenario(v.golden.scenario).snapshots, v.golden.snapshots);
    if (reference.kind === "mismatch") {
      const badGolden = `${v.file}: snapshot ${reference.index} (step ${reference.expected.step} node ${reference.expected.node}) is not what the reference computes for the golden's own scenario: the golden was edited by hand or is stale (npm run vectors -- --check)`;
      return { result: null, outcome: first, badGolden };
    }
  }
  const second = await secondTry(adapter, request(v, false), { before: `a second try of ${v.name}` });
  if (second === null || second.kind === "aborted") return { result: await verdictOf(adapter, session, v, first), outcome: first };
  if (first.kind === "broken" && first.timedOut) {
    const waited = `${secondTryTimeoutMs(adapter) / 1000} s`;
    if (second.kind === "broken" && second.timedOut) {
      const result = await verdictOf(adapter, session, v, first);
      return { result: { ...result, reason: `${result.reason}; a second try in a fresh process got no answer within ${waited} either` }, outcome: first };
    }
    // The first try's timeout still counts toward the adapter's budget (MAX_TIMEOUTS): a port that answers
    // one request per process and then hangs would otherwise pass every vector on its second try.
    const result = await verdictOf(adapter, session, v, second);
    const note = `answered only on a second try, in a fresh process with ${waited}: ${first.reason}`;
    const told = `${result.reason} (so answered a second try, in a fresh process with ${waited}; the first got: ${first.reason})`;
    return { result: result.status === "passed" ? { ...result, restarted: true, note } : { ...result, restarted: true, reason: told }, outcome: first, produced: second };
  }
  if (sameAnswer(first, second) === false) {
    // A request that broke the protocol may owe it to an earlier one (a line nobody asked for, R-PROTO-3):
    // the break keeps its own name, and the second answer is told beside it.
    if (first.kind !== "broken") return { result: nondeterministic(v.name, v.golden.snapshots, first, second, [FIRST_TRY, SECOND_TRY]), outcome: first };
    const result = await verdictOf(adapter, session, v, first);
    return { result: { ...result, reason: `${result.reason}; a second try in a fresh process answered: ${answerText(second, v.golden.snapshots)}` }, outcome: first };
  }
  return { result: await verdictOf(adapter, session, v, first), outcome: first };
}

/** What the run's ranking needs of a vector (runner/diagnosis/vector_outcome.ts). */
function factsOf(v: Vector): VectorFacts {
  const { rules, features, keys } = vectorFacts(v.golden);
  return { rules, ...(features && { features }), ...(keys !== undefined && { keys }) };
}

/** Where an adapter's vectors come from: a CorpusStream, or in tests anything that behaves like one. */
export type VectorFeed = Pick<CorpusStream, "candidates" | "at" | "finished" | "selected" | "reportBad">;

/** Runs the feed through an adapter whose `ready` has resolved with its first session. */
export async function runAdapter(adapter: FleetAdapter, started: Session, feed: VectorFeed, ctx: RunContext): Promise<AdapterReport> {
  const t0 = performance.now();
  const isExpected = (name: string) => ctx.expected.has(adapter.name, name);
  const checks: ScenarioResult[] = [];
  const runChecks = async (when: Check["when"], session: Session | null, passed: readonly Vector[]): Promise<Session | null> => {
    for (const check of ctx.checks) {
      if (check.when !== when || adapter.fatal !== null || ctx.stop.stopped) continue;
      const out = await check.run({ adapter, session, passed, isExpected });
      session = out.session;
      for (const r of out.results) {
        checks.push(r);
        if (ctx.bail && isUnexpectedProblem(r)) ctx.stop.stopped = true;
      }
    }
    return session;
  };
  const first = await runChecks("before", started, []);

  const features = adapter.features;
  const candidates = feed.candidates.length;
  // Slot i is candidate i; a slot stays empty when --tag leaves its vector out or it was not run.
  const results: (ScenarioResult | undefined)[] = new Array(candidates);
  // The vectors that passed, by slot: the checks after the corpus run (some of) them again.
  const passed: (Vector | undefined)[] = new Array(candidates);

  const record = (i: number, v: Vector, outcome: VectorOutcome) => {
    const result: ScenarioResult = { name: v.name, file: v.file, source: v.golden.source, expectedFailure: isExpected(v.name), vector: factsOf(v), ...outcome };
    results[i] = result;
    if (result.status === "passed") passed[i] = v;
    if (ctx.bail && isUnexpectedProblem(result)) ctx.stop.stopped = true;
    ctx.onResult(adapter, result);
  };

  await runPipeline<Vector, Attempt>(
    adapter,
    {
      count: candidates,
      item: async (i) => {
        const v = await feed.at(i);
        // Nothing is recorded once the run stopped meanwhile: what is left is counted as not run.
        if (v === null || adapter.fatal !== null || ctx.stop.stopped) return null;
        const missing = v.golden.features.filter((f) => !features.has(f));
        if (missing.length === 0) return v;
        const required = missing.filter((f) => ctx.requireFeatures === "all" || ctx.requireFeatures.includes(f));
        const reason = `needs feature ${missing.join(", ")}, which the adapter does not list in its hello`;
        record(i, v, { status: required.length > 0 ? "failed" : "skipped", reason: required.length > 0 ? `${reason}; --require-features asks for ${required.join(", ")}` : reason, stderrTail: null, restarted: false, diagnosis: null, durationMs: 0 });
        return null;
      },
      label: (v) => v.name,
      send: (session, v) => attempt(adapter, session, v),
      settle: (i, v, a) => {
        adapter.record(a.outcome);
        if (a.result === null) {
          if (a.badGolden === undefined) return "resend";
          feed.reportBad(v.name, a.badGolden);
          return "done";
        }
        // The answer the verdict was given on: a second try's, when the first only timed out.
        const produced = a.produced ?? a.outcome;
        if (produced.kind === "result") ctx.onProduced?.(adapter, v, produced.snapshots);
        record(i, v, a.result);
        return a.result.restarted ? "restart" : "done";
      },
      halted: () => ctx.stop.stopped,
    },
    { jobs: ctx.jobs, first },
  );
  const done = results.filter((r): r is ScenarioResult => r !== undefined);
  await runChecks("after", null, passed.filter((v): v is Vector => v !== undefined));
  const lateLine = adapter.takeLateLine();
  if (lateLine !== null) checks.push(lateLineResult(lateLine, isExpected));
  // Only the whole corpus says how many of the candidates --tag keeps, and so how many were not run.
  await feed.finished;
  return {
    name: adapter.name,
    command: adapter.command,
    hello: adapter.hello,
    fatal: adapter.fatal,
    results: [...checks, ...done],
    notRun: feed.selected().length - done.length,
    durationMs: performance.now() - t0,
    built: adapter.built,
  };
}
