// Running the selected vectors through one adapter of the fleet: --jobs sessions pulling from one queue,
// features checked against the hello, every broken outcome recorded as an `error` result and followed by a
// new session, and every byte mismatch re-run with trace and diagnosed. Never throws for anything an adapter does.
import { runScenario, type SnapshotEntry, type TraceEntry } from "../reference/index.js";
import { compareSnapshots } from "./diagnosis/compare.js";
import type { Vector } from "./corpus.js";
import type { CorpusStream } from "./corpus_stream.js";
import { diagnose } from "./diagnosis/diagnose.js";
import type { ExpectedFailures } from "./expected_failures.js";
import type { FleetAdapter } from "./adapter/fleet.js";
import { isUnexpectedProblem, type AdapterReport, type ScenarioResult } from "./model.js";
import { envChecks, envSample } from "./checks/env.js";
import { bisectDivergence, type Bisection } from "./diagnosis/bisect.js";
import { malformedChecks } from "./checks/malformed.js";
import { scaleChecks, type ScaleCase } from "./checks/scale.js";
import type { RunOutcome, RunRequest, Session } from "./adapter/session.js";

export interface RunContext {
  /** Features whose absence fails a scenario instead of skipping it (--require-features). */
  readonly requireFeatures: "all" | readonly string[];
  readonly jobs: number;
  readonly expected: ExpectedFailures;
  readonly bail: boolean;
  /** Shared by every adapter of the run: set by --bail at the first unexpected problem. */
  readonly stop: { stopped: boolean };
  /** Run the malformed-input check (R-PROTO-10) before the corpus. */
  readonly malformed: boolean;
  /** The environment check (R-PROTO-11) after the corpus: a sample of the vectors, all of them, or none. */
  readonly env: "off" | "sample" | "all";
  /**
   * The scale check's cases (R-PROTO-12), run after the corpus, with compaction mixed in for a port that
   * lists `compact`; null when it is off.
   */
  readonly scale: ((compact: boolean) => Promise<ScaleCase[]>) | null;
  readonly timeoutMs: number;
  onResult(adapter: FleetAdapter, result: ScenarioResult): void;
  /** The snapshots an adapter answered for a vector, passing or not: the decode matrix's inputs (runner/checks/decode.ts). */
  onProduced?(adapter: FleetAdapter, v: Vector, snapshots: readonly SnapshotEntry[]): void;
}

/**
 * Run requests in flight per process (R-PROTO-3 allows pipelining). Waiting for each reply before sending
 * the next costs a pipe round trip per scenario, which for small scenarios is most of the time.
 */
export const PIPELINE_DEPTH = 16;

type Partial = Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure">;
/**
 * What became of one vector on one session; `outcome` is the run request's, for the fleet's timeout count.
 * No result: aborted (to be sent again), or the golden itself turned out bad (`badGolden`).
 */
type Attempt = { result: Partial; outcome: RunOutcome } | { result: null; outcome: RunOutcome; badGolden?: string };

function request(v: Vector, trace: boolean): RunRequest {
  return { name: v.name, scenario: v.golden.scenario, scenarioText: v.scenarioText, trace, expected: v.golden.snapshots };
}

/** The port's trace of a scenario, or why it could not be had; `broken` when the session died getting it. */
/**
 * Characters of trace past which a failure is diagnosed by bisection instead (runner/diagnosis/bisect.ts): a trace is
 * every node's snapshot after every step, and past this it costs more than re-running prefixes does.
 */
export const TRACE_BUDGET = 32 * 1024 * 1024;

/** What a full trace of the vector would weigh: steps x nodes x its largest snapshot. */
function traceSize(v: Vector): number {
  let largest = 0;
  for (const s of v.golden.snapshots) largest = Math.max(largest, s.hex.length);
  return v.golden.scenario.steps.length * v.golden.scenario.cluster.nodes * largest;
}

/** The port's trace of a scenario, its first divergence found by bisection, or why neither could be had. */
async function traceOf(session: Session, v: Vector, mismatchStep: number): Promise<{ trace: TraceEntry[] | string | Bisection; broken: boolean }> {
  if (traceSize(v) > TRACE_BUDGET) {
    const b = await bisectDivergence(session, v.name, v.golden.scenario, mismatchStep);
    return { trace: b, broken: b.broken };
  }
  const o = await session.run(request(v, true));
  if (o.kind === "result") return { trace: o.trace ?? [], broken: false };
  if (o.kind === "refused") return { trace: `the re-run with trace was answered with an error: ${o.message}`, broken: false };
  if (o.kind === "aborted") return { trace: "the re-run with trace was never answered: an earlier request broke the adapter", broken: true };
  return { trace: `the re-run with trace failed: ${o.reason}`, broken: true };
}

async function attempt(session: Session, v: Vector): Promise<Attempt> {
  const outcome = await session.run(request(v, false));
  switch (outcome.kind) {
    case "aborted":
      return { result: null, outcome };
    case "broken":
      return { result: { status: "error", reason: outcome.reason, stderrTail: outcome.stderr || null, restarted: true, diagnosis: null, durationMs: outcome.durationMs }, outcome };
    case "refused":
      return {
        result: { status: "error", reason: `the adapter answered with an error (R-PROTO-8): ${outcome.message}`, stderrTail: outcome.stderr || null, restarted: false, diagnosis: null, durationMs: outcome.durationMs },
        outcome,
      };
    case "result": {
      const cmp = compareSnapshots(v.golden.snapshots, outcome.snapshots);
      if (cmp.kind === "pass") return { result: { status: "passed", reason: null, stderrTail: null, restarted: false, diagnosis: null, durationMs: outcome.durationMs }, outcome };
      // Before blaming the port: is the golden what the reference computes? A hand-edited or stale golden is
      // the corpus's fault, whatever the port answered.
      const reference = compareSnapshots(runScenario(v.golden.scenario).snapshots, v.golden.snapshots);
      if (reference.kind === "mismatch") {
        const badGolden = `${v.file}: snapshot ${reference.index} (step ${reference.expected.step} node ${reference.expected.node}) is not what the reference computes for the golden's own scenario: the golden was edited by hand or is stale (npm run vectors -- --check)`;
        return { result: null, outcome, badGolden };
      }
      const traced = await traceOf(session, v, cmp.expected.step);
      const diagnosis = diagnose(v.golden, cmp.index, cmp.expected, cmp.actualHex, traced.trace);
      const field = diagnosis.field === null ? "past the end of the expected snapshot" : `in ${diagnosis.field}`;
      const differs = `snapshot of step ${cmp.expected.step} node ${cmp.expected.node} differs at byte ${diagnosis.offset}, ${field}`;
      // A re-run with trace that broke the protocol (a trace that lies about who is down, a state that is
      // no snapshot) is the adapter's error, named as such, not a divergence to be trusted.
      return {
        result: {
          status: traced.broken ? "error" : "failed",
          reason: traced.broken ? `${differs}; ${typeof traced.trace === "string" ? traced.trace : "note" in traced.trace ? traced.trace.note : ""}` : differs,
          stderrTail: null,
          restarted: traced.broken,
          diagnosis,
          durationMs: outcome.durationMs,
        },
        outcome,
      };
    }
  }
}

/** Where an adapter's vectors come from: a CorpusStream, or in tests anything that behaves like one. */
export type VectorFeed = Pick<CorpusStream, "candidates" | "at" | "finished" | "selected" | "reportBad">;

/** Runs the feed through an adapter whose `ready` has resolved with its first session. */
export async function runAdapter(adapter: FleetAdapter, started: Session, feed: VectorFeed, ctx: RunContext): Promise<AdapterReport> {
  const t0 = performance.now();
  let first: Session | null = started;
  let checks: ScenarioResult[] = [];
  if (ctx.malformed) {
    const m = await malformedChecks(adapter, started, (name) => ctx.expected.has(adapter.name, name));
    checks = m.results;
    first = m.session;
    for (const r of checks) if (ctx.bail && isUnexpectedProblem(r)) ctx.stop.stopped = true;
  }
  const features = adapter.features;
  const candidates = feed.candidates.length;
  // Slot i is candidate i; a slot stays empty when --tag leaves its vector out or it was not run.
  const results: (ScenarioResult | undefined)[] = new Array(candidates);
  let next = 0;
  // The vectors that passed, by slot: the environment check runs (some of) them again.
  const passed: (Vector | undefined)[] = new Array(candidates);

  const record = (i: number, v: Vector, partial: Partial) => {
    const result: ScenarioResult = { name: v.name, file: v.file, source: v.golden.source, expectedFailure: ctx.expected.has(adapter.name, v.name), ...partial };
    results[i] = result;
    if (result.status === "passed") passed[i] = v;
    if (ctx.bail && isUnexpectedProblem(result)) ctx.stop.stopped = true;
    ctx.onResult(adapter, result);
  };

  // Vectors to run again because they were in flight on a session that broke.
  const retry: number[] = [];
  const take = (): number | undefined => retry.shift() ?? (next < candidates ? next++ : undefined);

  // Each --jobs process gets at most its share in flight, so one worker cannot claim a small corpus alone.
  const depth = Math.max(1, Math.min(PIPELINE_DEPTH, Math.ceil(candidates / ctx.jobs)));
  const worker = async (initial: Session | null) => {
    let session = initial;
    const inflight: { i: number; v: Vector; attempt: Promise<Attempt> }[] = [];
    for (;;) {
      while (adapter.fatal === null && !ctx.stop.stopped && inflight.length < (session?.depth(depth) ?? depth)) {
        const i = take();
        if (i === undefined) break;
        const v = await feed.at(i);
        if (v === null) continue;
        // The corpus is read while the run goes on: a bad golden found meanwhile stops it.
        if (adapter.fatal !== null || ctx.stop.stopped) break;
        const missing = v.golden.features.filter((f) => !features.has(f));
        if (missing.length > 0) {
          const required = missing.filter((f) => ctx.requireFeatures === "all" || ctx.requireFeatures.includes(f));
          const reason = `needs feature ${missing.join(", ")}, which the adapter does not list in its hello`;
          record(i, v, { status: required.length > 0 ? "failed" : "skipped", reason: required.length > 0 ? `${reason}; --require-features asks for ${required.join(", ")}` : reason, stderrTail: null, restarted: false, diagnosis: null, durationMs: 0 });
          continue;
        }
        if (session === null || !session.alive) session = await adapter.open(v.name);
        if (session === null) break;
        inflight.push({ i, v, attempt: attempt(session, v) });
      }
      const head = inflight.shift();
      if (head === undefined) break;
      const a = await head.attempt;
      adapter.record(a.outcome);
      if (a.result === null) {
        if (a.badGolden !== undefined) feed.reportBad(head.v.name, a.badGolden);
        else retry.unshift(head.i);
        continue;
      }
      if (a.outcome.kind === "result") ctx.onProduced?.(adapter, head.v, a.outcome.snapshots);
      if (a.result.restarted) {
        session?.kill();
        session = null;
        // Everything sent after it went to a process that is gone: run those first on the next one.
        retry.unshift(...inflight.splice(0).map((r) => r.i));
      }
      record(head.i, head.v, a.result);
    }
    await session?.close();
  };

  await Promise.all(Array.from({ length: Math.min(ctx.jobs, Math.max(1, candidates)) }, (_, k) => worker(k === 0 ? first : null)));
  const done = results.filter((r): r is ScenarioResult => r !== undefined);
  if (ctx.env !== "off" && adapter.fatal === null && !ctx.stop.stopped) {
    const ok = passed.filter((v): v is Vector => v !== undefined);
    for (const r of await envChecks(adapter, ctx.env === "all" ? ok : envSample(ok), (name) => ctx.expected.has(adapter.name, name))) {
      checks.push(r);
      if (ctx.bail && isUnexpectedProblem(r)) ctx.stop.stopped = true;
    }
  }
  if (ctx.scale !== null && adapter.fatal === null && !ctx.stop.stopped) {
    for (const r of await scaleChecks(adapter, await ctx.scale(features.has("compact")), ctx.timeoutMs, (name) => ctx.expected.has(adapter.name, name))) {
      checks.push(r);
      if (ctx.bail && isUnexpectedProblem(r)) ctx.stop.stopped = true;
    }
  }
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
