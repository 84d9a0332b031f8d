// Running the selected vectors through one adapter: --jobs persistent processes pulling from one queue,
// features checked against the hello, every misbehaviour turned into an `error` result followed by a
// restart, and every byte mismatch re-run with trace and diagnosed. Never throws for anything an adapter does.
import type { GoldenVector, HelloReply, TraceEntry } from "../../reference/index.js";
import { AdapterProcess, type Launch } from "./adapter_process.js";
import { checkReply, compareSnapshots } from "./compare.js";
import type { Vector } from "./corpus.js";
import type { CorpusStream } from "./corpus_stream.js";
import { diagnose } from "./diagnose.js";
import { AdapterExited, AdapterStartFailed, AdapterTimedOut, ProtocolError, RequestAborted } from "./errors.js";
import type { ExpectedFailures } from "./expected_failures.js";
import { isUnexpectedProblem, type AdapterFatal, type AdapterReport, type ScenarioResult } from "./model.js";
import { isCanonicalPass, parseAdapterLine, runLine } from "./protocol.js";

export interface AdapterTarget {
  /** The registered name, or for --exec a placeholder until the hello names it. */
  readonly name: string;
  readonly command: string;
  readonly launch: Launch;
  readonly fromExec: boolean;
}

export interface RunContext {
  readonly timeoutMs: number;
  readonly jobs: number;
  readonly expected: ExpectedFailures;
  readonly bail: boolean;
  /** Shared by every adapter of the run: set by --bail at the first unexpected problem. */
  readonly stop: { stopped: boolean };
  onResult(target: AdapterTarget, result: ScenarioResult): void;
}

/**
 * Consecutive timeouts after which an adapter is given up: each costs a whole --timeout, and an adapter
 * that is stuck on everything would otherwise hold the run for timeout x scenarios.
 */
export const MAX_CONSECUTIVE_TIMEOUTS = 3;

/**
 * Run requests in flight per process (R-PROTO-3 allows pipelining). Waiting for each reply before sending
 * the next costs a pipe round trip per scenario, which for small scenarios is most of the time.
 */
export const PIPELINE_DEPTH = 16;

type Attempt = { result: Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure" | "durationMs">; timedOut: boolean };

function errorAttempt(err: unknown, proc: AdapterProcess, restart: boolean): Attempt {
  if (!(err instanceof AdapterTimedOut || err instanceof AdapterExited || err instanceof ProtocolError || err instanceof RequestAborted)) throw err;
  const reason = err instanceof AdapterExited ? `${err.message} mid-scenario (R-PROTO-8: an adapter must not crash)` : err.message;
  return {
    result: { status: "error", reason, stderrTail: proc.stderrTail() || null, restarted: restart, diagnosis: null },
    timedOut: err instanceof AdapterTimedOut,
  };
}

let requestCounter = 0;
/** Unique per request across the whole run, so a reply can never be mistaken for another's. */
function nextId(): string {
  return String(++requestCounter);
}

/** The port's trace of a scenario, or why it could not be had (then the process must be restarted). */
async function traceOf(proc: AdapterProcess, v: Vector, timeoutMs: number): Promise<{ trace: TraceEntry[] | string; broken: boolean }> {
  const id = nextId();
  try {
    const line = await proc.request(runLine(id, v.name, true, v.scenarioText), timeoutMs, `${v.name} (with trace)`, id);
    const reply = checkReply(parseAdapterLine(line), id, true, line, (other) => proc.answeredRequest(other));
    if (reply.type === "error") return { trace: `the re-run with trace was answered with an error: ${reply.message}`, broken: false };
    return { trace: reply.trace ?? [], broken: false };
  } catch (err) {
    return { trace: `the re-run with trace failed: ${errorAttempt(err, proc, true).result.reason}`, broken: true };
  }
}

const PASSED: Attempt = { result: { status: "passed", reason: null, stderrTail: null, restarted: false, diagnosis: null }, timedOut: false };

async function attempt(proc: AdapterProcess, v: Vector, timeoutMs: number): Promise<Attempt> {
  const id = nextId();
  const golden: GoldenVector = v.golden;
  let line: string;
  try {
    line = await proc.request(runLine(id, v.name, false, v.scenarioText), timeoutMs, v.name, id);
  } catch (err) {
    return errorAttempt(err, proc, true);
  }
  if (isCanonicalPass(line, id, golden.snapshots)) return PASSED;
  try {
    const reply = checkReply(parseAdapterLine(line), id, false, line, (other) => proc.answeredRequest(other));
    if (reply.type === "error") {
      // R-PROTO-8: a well-formed refusal; the adapter is fine and keeps running.
      return { result: { status: "error", reason: `the adapter answered with an error (R-PROTO-8): ${reply.message}`, stderrTail: proc.stderrTail() || null, restarted: false, diagnosis: null }, timedOut: false };
    }
    const outcome = compareSnapshots(golden.snapshots, reply.snapshots);
    if (outcome.kind !== "mismatch") return PASSED;
    const traced = await traceOf(proc, v, timeoutMs);
    const diagnosis = diagnose(golden, outcome.index, outcome.expected, outcome.actualHex, traced.trace);
    const field = diagnosis.field === null ? "past the end of the expected snapshot" : `in ${diagnosis.field}`;
    return {
      result: {
        status: "failed",
        reason: `snapshot of step ${outcome.expected.step} node ${outcome.expected.node} differs at byte ${diagnosis.offset}, ${field}`,
        stderrTail: null,
        restarted: traced.broken,
        diagnosis,
      },
      timedOut: false,
    };
  } catch (err) {
    return errorAttempt(err, proc, true);
  }
}

/** Where an adapter's vectors come from: a CorpusStream, or in tests anything that behaves like one. */
export type VectorFeed = Pick<CorpusStream, "candidates" | "at" | "finished" | "selected">;

/** `started` is the first process's start, begun by the caller before the corpus was read; else it starts here. */
export async function runAdapter(
  target: AdapterTarget,
  feed: VectorFeed,
  ctx: RunContext,
  started?: Promise<{ process: AdapterProcess; hello: HelloReply }>,
): Promise<AdapterReport> {
  const t0 = performance.now();
  const finish = async (name: string, hello: HelloReply | null, fatal: AdapterFatal | null, results: (ScenarioResult | undefined)[]): Promise<AdapterReport> => {
    const done = results.filter((r): r is ScenarioResult => r !== undefined);
    const durationMs = performance.now() - t0;
    // Only the whole corpus says how many of the candidates --tag keeps, and so how many were not run.
    await feed.finished;
    return { name, command: target.command, hello, fatal, results: done, notRun: feed.selected().length - done.length, durationMs, built: false };
  };
  let first: { process: AdapterProcess; hello: HelloReply };
  try {
    first = await (started ?? AdapterProcess.start(target.launch, ctx.timeoutMs));
  } catch (err) {
    if (!(err instanceof AdapterStartFailed)) throw err;
    return finish(target.name, null, { kind: "start", message: err.message, output: err.stderrTail || null, optional: false }, []);
  }
  const hello = first.hello;
  // An --exec adapter goes by the name in its hello; that is also what its expected-failure lines say.
  const name = target.fromExec ? hello.name : target.name;
  const features = new Set(hello.features);
  const candidates = feed.candidates.length;
  // Slot i is candidate i; a slot stays empty when --tag leaves its vector out or it was not run.
  const results: (ScenarioResult | undefined)[] = new Array(candidates);
  let next = 0;
  let timeoutsInARow = 0;
  let fatal: AdapterFatal | null = null;

  const record = (i: number, v: Vector, partial: Attempt["result"], t0: number) => {
    const result: ScenarioResult = {
      name: v.name,
      file: v.file,
      source: v.golden.source,
      expectedFailure: ctx.expected.has(name, v.name),
      durationMs: performance.now() - t0,
      ...partial,
    };
    results[i] = result;
    if (ctx.bail && isUnexpectedProblem(result)) ctx.stop.stopped = true;
    ctx.onResult(target, result);
  };

  // Vectors to run again because they were in flight on a process that had to be killed.
  const retry: number[] = [];
  const take = (): number | undefined => retry.shift() ?? (next < candidates ? next++ : undefined);

  // Each --jobs process gets at most its share in flight, so one worker cannot claim a small corpus alone.
  const depth = Math.max(1, Math.min(PIPELINE_DEPTH, Math.ceil(candidates / ctx.jobs)));
  const worker = async (initial: AdapterProcess | null) => {
    let proc = initial;
    const inflight: { i: number; v: Vector; t0: number; attempt: Promise<Attempt> }[] = [];
    for (;;) {
      while (fatal === null && !ctx.stop.stopped && inflight.length < depth) {
        const i = take();
        if (i === undefined) break;
        const v = await feed.at(i);
        if (v === null) continue;
        // The corpus is read while the run goes on: a bad golden found meanwhile stops it.
        if (fatal !== null || ctx.stop.stopped) break;
        const t0 = performance.now();
        const missing = v.golden.features.filter((f) => !features.has(f));
        if (missing.length > 0) {
          record(i, v, { status: "skipped", reason: `needs feature ${missing.join(", ")}, which the adapter does not list in its hello`, stderrTail: null, restarted: false, diagnosis: null }, t0);
          continue;
        }
        if (proc === null || !proc.alive) {
          try {
            proc = (await AdapterProcess.start(target.launch, ctx.timeoutMs)).process;
          } catch (err) {
            if (!(err instanceof AdapterStartFailed)) throw err;
            fatal = { kind: "restart", message: `could not start the adapter again, before ${v.name}: ${err.message}`, output: err.stderrTail || null, optional: false };
            break;
          }
        }
        inflight.push({ i, v, t0, attempt: attempt(proc, v, ctx.timeoutMs) });
      }
      const head = inflight.shift();
      if (head === undefined) break;
      const a = await head.attempt;
      if (a.result.restarted) {
        proc?.kill();
        proc = null;
        // Everything sent after it went to a process that is gone: run those first on the next one.
        retry.unshift(...inflight.splice(0).map((r) => r.i));
      }
      record(head.i, head.v, a.result, head.t0);
      timeoutsInARow = a.timedOut ? timeoutsInARow + 1 : 0;
      if (timeoutsInARow >= MAX_CONSECUTIVE_TIMEOUTS) {
        fatal = { kind: "timeouts", message: `gave up after ${timeoutsInARow} timeouts in a row; the remaining scenarios were not run`, output: null, optional: false };
      }
    }
    await proc?.close();
  };

  await Promise.all(Array.from({ length: Math.min(ctx.jobs, Math.max(1, candidates)) }, (_, k) => worker(k === 0 ? first.process : null)));
  return finish(name, hello, fatal, results);
}
