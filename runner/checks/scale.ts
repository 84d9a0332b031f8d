// The scale check (R-PROTO-12): after the corpus, each adapter runs generated scenarios of growing length
// (corpus/scaling.ts: mixed ops over 10^4 keys, partitions, crashes and rejoins throughout). Their bytes are
// checked like any vector, and the adapter's CPU time at each size gives a growth verdict. The corpus's
// longest vector has 5,001 steps, at which a quadratic port still looks fast; at 10^5 it does not.
import type { NormalizedScenario, SnapshotEntry } from "../../reference/index.js";
import { scalingScenario } from "../../corpus/scaling.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ScenarioResult } from "../model.js";
import { scenarioJson } from "../adapter/protocol.js";
import type { RunOutcome, ScenarioToRun, Session } from "../adapter/session.js";
import type { CheckKind } from "./check.js";
import { cachedSnapshots } from "./scale_cache.js";
import { ScaleDiagnoser, scaleFacts } from "./scale_mismatch.js";
import { STORE_CASE, storeCase, storeCheck } from "./scale_store.js";
import { MANY_KEYS } from "../../corpus/many_keys.js";
import { confirm, explain, firstLimits, judge, limits, pastBand, type DeadlineHit, type Limits, type Previous, type Round } from "./scale_timing.js";

/** Three sizes or more, so that the growth is a fit and no one size decides it (runner/checks/scale_timing.ts). */
export const SCALE_SIZES = { quick: [10_000, 30_000, 100_000], full: [10_000, 30_000, 100_000, 300_000, 1_000_000] } as const;

/**
 * A partition change or a crash/restart every 20 steps: a rejoin every 40 or so. Frequent rejoins are what make
 * a port that replays the log at each one (R-REJOIN-2 read literally) show its quadratic cost already
 * between 10^4 and 10^5 steps, where at the benchmark's one per 2,000 the constant costs still hide it.
 */
const EVENT_EVERY = 20;
/** Keys: few enough that every size has them all live, so that only the number of steps grows. */
const KEYS = 2000;
/**
 * A compaction every 500 steps for a port that lists `compact`: restores and installs (SPEC.md 3.3) then
 * happen throughout, each costing the store, not the log, in a linear port.
 */
const COMPACT_EVERY = 500;

export interface ScaleCase {
  readonly steps: number;
  readonly name: string;
  readonly scenario: NormalizedScenario;
  readonly scenarioText: string;
  readonly snapshots: readonly SnapshotEntry[];
}

/** The generated scenario of scale/N, as the check runs it on a port that lists `compact` or does not. */
export function scaleScenario(steps: number, compact: boolean): NormalizedScenario {
  return scalingScenario(steps, 1, EVENT_EVERY, KEYS, compact ? COMPACT_EVERY : 0);
}

/**
 * The scaling scenarios and their expected snapshots, computed by the reference once and cached under
 * .build/scale/ (not committed: they are derived, and regenerated whenever the reference changes).
 */
export async function scaleCases(root: string, sizes: readonly number[], compact = false): Promise<ScaleCase[]> {
  const cases: ScaleCase[] = [];
  for (const steps of sizes) {
    const scenario = scaleScenario(steps, compact);
    const snapshots = await cachedSnapshots(root, `${steps}-every${EVENT_EVERY}-keys${KEYS}${compact ? `-compact${COMPACT_EVERY}` : ""}`, scenario);
    cases.push({ steps, name: `scale/${steps}`, scenario, scenarioText: scenarioJson(scenario), snapshots });
  }
  return cases;
}

function result(name: string, partial: Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure" | "diagnosis">): ScenarioResult {
  return { name, file: "corpus/scaling.ts", source: "corpus/scaling.ts (SPEC.md R-PROTO-12)", expectedFailure: false, diagnosis: null, ...partial };
}

const LITERAL = "R-PROTO-12; most likely R-REJOIN-2 read literally, replaying the leader's log at every rejoin, where copying the leader's store gives the same bytes";

/**
 * Runs of each size: at least two, since a JIT (JavaScript, Java) spends most of a first 10^4-step run
 * warming up, and a third when the two differ by more than a tenth (a burst of load, for wall time).
 */
const MIN_RUNS = 2;
const MAX_RUNS = 3;
const AGREE = 0.1;

interface SizeRuns {
  /** The first run's outcome (its bytes are checked), or the first that was not a result. */
  readonly first: RunOutcome | null;
  readonly times: readonly { readonly wallMs: number; readonly cpuMs: number | undefined }[];
  /** The first run stopped at its deadline. */
  readonly hit: DeadlineHit | null;
}

/** How often a run's CPU time is read against its budget: a reading lists /proc, a few ms of the runner's time. */
const CPU_POLL_MS = 500;

/**
 * One run, stopped by the check itself at its wall-clock deadline or as soon as its CPU time passes its
 * budget, reading that CPU time before the kill: what proves a growth without waiting for the whole run.
 */
async function timedRun(session: Session, request: ScenarioToRun, steps: number, limits: Limits): Promise<{ outcome: RunOutcome; hit: DeadlineHit | null }> {
  const before = session.cpuTimeMs();
  const start = performance.now();
  let hit: DeadlineHit | null = null;
  const used = () => {
    const now = session.cpuTimeMs();
    return before !== null && now !== null ? now - before : null;
  };
  const stop = (cpuMs: number | null) => {
    hit ??= { steps, wallMs: performance.now() - start, cpuMs };
    session.kill();
  };
  const timer = setTimeout(() => stop(used()), limits.wallMs);
  const poll =
    limits.cpuMs === null || before === null
      ? null
      : setInterval(() => {
          const cpu = used();
          if (cpu !== null && cpu > limits.cpuMs!) stop(cpu);
        }, CPU_POLL_MS);
  const outcome = await session.run(request);
  clearTimeout(timer);
  if (poll !== null) clearInterval(poll);
  return { outcome, hit };
}

const toRun = (c: ScaleCase): ScenarioToRun => ({ name: c.name, scenario: c.scenario, scenarioText: c.scenarioText, trace: false, expected: c.snapshots, measureCpu: true });

/**
 * The runs of one size on a session of its own, after one untimed run of the smallest size: a JIT (JavaScript,
 * Java) compiles most of its code in a process's first run, which took the TypeScript adapter 1.6x to 2.3x
 * the CPU of the next ones, enough to pass a CPU budget meant for quadratic growth. Null when no session
 * could be opened.
 */
async function measureSize(adapter: FleetAdapter, c: ScaleCase, warmUp: ScaleCase, previous: Previous | null, timeoutMs: number): Promise<SizeRuns | null> {
  const lim = previous === null ? firstLimits(timeoutMs) : limits(previous, c.steps, timeoutMs);
  // The session's own deadline is only a backstop: the check stops a run at its limits itself.
  const session: Session | null = await adapter.open(c.name, 2 * lim.wallMs);
  if (session === null) return null;
  const warm = await session.run(toRun(warmUp));
  if (warm.kind !== "result") {
    await session.close();
    return { first: warm, times: [], hit: null };
  }
  const request = toRun(c);
  let first: RunOutcome | null = null;
  const times: { wallMs: number; cpuMs: number | undefined }[] = [];
  let hit: DeadlineHit | null = null;
  for (let i = 0; i < MAX_RUNS; i++) {
    const run = await timedRun(session, request, c.steps, lim);
    // A later run stopped by a burst of load leaves the earlier ones standing.
    if (run.hit !== null) {
      if (times.length === 0) hit = run.hit;
      break;
    }
    first ??= run.outcome;
    if (run.outcome.kind !== "result") break;
    times.push({ wallMs: run.outcome.durationMs, cpuMs: run.outcome.cpuMs });
    const ms = times.map((t) => t.cpuMs ?? t.wallMs);
    if (previous !== null && pastBand(previous, c.steps, Math.min(...ms))) break;
    if (times.length >= MIN_RUNS && Math.max(...ms) <= Math.min(...ms) * (1 + AGREE)) break;
  }
  await session.close();
  return { first, times, hit };
}

/** Every size in order, up to one that broke or was stopped at its deadline: the round's times, and each size's runs. */
async function measureRound(adapter: FleetAdapter, cases: readonly ScaleCase[], timeoutMs: number): Promise<{ round: Round; sizes: (SizeRuns | null)[] }> {
  const sizes: (SizeRuns | null)[] = [];
  let previous: Previous | null = null;
  for (const c of cases) {
    const m = await measureSize(adapter, c, cases[0]!, previous, timeoutMs);
    sizes.push(m);
    if (m === null || m.times.length === 0) break;
    const cpu = m.times.map((t) => t.cpuMs);
    previous = { steps: c.steps, wallMs: Math.min(...m.times.map((t) => t.wallMs)), cpuMs: cpu.every((t) => t !== undefined) ? Math.min(...cpu) : null };
  }
  const measured = sizes.flatMap((m, i) => (m !== null && m.times.length > 0 ? [{ steps: cases[i]!.steps, times: m.times }] : []));
  const clock = measured.every((m) => m.times.every((t) => t.cpuMs !== undefined)) ? "cpu" : "wall";
  const round: Round = {
    clock,
    sizes: measured.map((m) => ({ steps: m.steps, ms: Math.min(...m.times.map((t) => (clock === "cpu" ? t.cpuMs! : t.wallMs))), runs: m.times.length })),
    hit: sizes.at(-1)?.hit ?? null,
  };
  return { round, sizes };
}

/**
 * Runs the cases in order of size, each on a session of its own: one result per case (its bytes) and one
 * for the growth over all of them (runner/checks/scale_timing.ts). A growth past the band is measured a
 * second time before it fails the port, and a size stopped at its limits fails it only when the CPU it
 * had already used proves the growth; otherwise it is "too slow to judge", an error, not a verdict.
 */
export async function scaleChecks(
  adapter: FleetAdapter,
  cases: readonly ScaleCase[],
  timeoutMs: number,
  isExpected: (name: string) => boolean,
  diagnoser = new ScaleDiagnoser(adapter),
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const growthName = `scale/growth-${cases[0]?.steps}-${cases.at(-1)?.steps}`;
  const first = await measureRound(adapter, cases, timeoutMs);
  for (const [i, m] of first.sizes.entries()) {
    const c = cases[i]!;
    if (m === null) break;
    const outcome = m.first;
    let r: ScenarioResult;
    if (m.hit !== null) {
      r = result(c.name, {
        status: "skipped",
        reason: `stopped after ${(m.hit.wallMs / 1000).toFixed(1)} s${m.hit.cpuMs === null ? "" : ` and ${(m.hit.cpuMs / 1000).toFixed(1)} s of CPU`}, past what its growth may take, so its bytes were not checked; its growth is judged in ${growthName}`,
        stderrTail: null,
        restarted: true,
        durationMs: m.hit.wallMs,
      });
    } else if (outcome !== null && outcome.kind === "result") {
      const ms = Math.min(...m.times.map((t) => t.wallMs));
      const cmp = compareSnapshots(c.snapshots, outcome.snapshots);
      const passed = result(c.name, { status: "passed", reason: null, stderrTail: null, restarted: false, durationMs: ms, vector: scaleFacts(c) });
      // A re-run to find the divergence gets the size's own time many times over: load must not turn a byte
      // failure into an adapter error.
      r = cmp.kind === "pass" ? passed : { ...passed, ...(await diagnoser.explain(c, `at ${c.steps} steps over ${KEYS} keys`, cmp, Math.max(timeoutMs, 8 * ms))) };
    } else {
      const why = outcome === null ? "never answered" : outcome.kind === "refused" ? `the adapter answered with an error (R-PROTO-8): ${outcome.message}` : outcome.kind === "broken" ? outcome.reason : "never answered";
      r = result(c.name, {
        status: "error",
        reason: why,
        stderrTail: outcome === null || outcome.kind === "aborted" ? null : outcome.stderr || null,
        restarted: outcome?.kind === "broken",
        durationMs: outcome === null || outcome.kind === "aborted" ? 0 : outcome.durationMs,
      });
    }
    results.push({ ...r, expectedFailure: isExpected(r.name) });
  }
  const rounds = [first.round];
  let verdict = judge(first.round);
  // A verdict against the port only when it holds twice: load can make a linear port look slow once.
  if (verdict.kind === "not-linear" || verdict.kind === "too-slow") {
    const again = await measureRound(adapter, cases, timeoutMs);
    rounds.push(again.round);
    verdict = confirm(verdict, judge(again.round));
  }
  if (verdict.kind !== "none") {
    const status = verdict.kind === "linear" ? "passed" : verdict.kind === "not-linear" ? "failed" : "error";
    const r = result(growthName, { status, reason: explain(verdict, rounds, LITERAL), stderrTail: null, restarted: false, durationMs: 0 });
    results.push({ ...r, expectedFailure: isExpected(growthName) });
  }
  return results;
}

/** The cases --name and `rsm trace` accept by name: each size's (not the growths between them), and the store's. */
export const SCALE_CASE_NAMES: readonly string[] = [...SCALE_SIZES.full.map((n) => `scale/${n}`), STORE_CASE];

export const SCALE_CHECK: CheckKind = {
  names: [...SCALE_SIZES.full.map((n) => `scale/${n}`), ...[SCALE_SIZES.quick, SCALE_SIZES.full].map((sizes) => `scale/growth-${sizes[0]}-${sizes.at(-1)}`), STORE_CASE],
  create: (s) => {
    // --name scale/N runs that case alone, whatever --scale says; otherwise --scale's sizes and the store.
    const named = s.scaleNames.length > 0;
    if (s.scale === "off" && !named) return null;
    const sizes = named ? SCALE_SIZES.full.filter((n) => s.scaleNames.includes(`scale/${n}`)) : SCALE_SIZES[s.scale === "off" ? "quick" : s.scale];
    const store = !named || s.scaleNames.includes(STORE_CASE);
    // Each variant computed (or read from its cache) once per run, when the first adapter that needs it asks.
    const variants = new Map<boolean, Promise<ScaleCase[]>>();
    const casesFor = (compact: boolean) => {
      let cases = variants.get(compact);
      if (cases === undefined) variants.set(compact, (cases = scaleCases(s.root, sizes, compact)));
      return cases;
    };
    const stores = new Map<boolean, ReturnType<typeof storeCase>>();
    const storeFor = (compact: boolean) => {
      let c = stores.get(compact);
      if (c === undefined) stores.set(compact, (c = storeCase(s.root, compact)));
      return c;
    };
    const top = Math.max(0, ...sizes);
    return {
      title: [top > 0 ? `scale to 10^${Math.round(Math.log10(top))} steps` : null, store ? `${MANY_KEYS} keys` : null].filter((t) => t !== null).join(" and "),
      when: "after",
      run: async (i) => {
        const compact = i.adapter.features.has("compact");
        const diagnoser = new ScaleDiagnoser(i.adapter);
        const results = sizes.length > 0 ? await scaleChecks(i.adapter, await casesFor(compact), s.timeoutMs, i.isExpected, diagnoser) : [];
        if (store && i.adapter.fatal === null) results.push(...(await storeCheck(i.adapter, await storeFor(compact), s.timeoutMs, i.isExpected, diagnoser)));
        return { results, session: null };
      },
    };
  },
};
