// The scale check (R-PROTO-12): after the corpus, each adapter runs generated scenarios of growing length
// (corpus/scaling.ts: mixed ops over 10^4 keys, partitions, crashes and rejoins throughout). Their bytes are
// checked like any vector, and the adapter's own time at each size gives a growth verdict. The corpus's
// longest vector has 5,001 steps, at which a quadratic port still looks fast; at 10^5 it does not.
import type { NormalizedScenario, SnapshotEntry } from "../../reference/index.js";
import { scalingScenario } from "../../corpus/scaling.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ScenarioResult } from "../model.js";
import { scenarioJson } from "../adapter/protocol.js";
import type { Session } from "../adapter/session.js";
import type { CheckKind } from "./check.js";
import { cachedSnapshots } from "./scale_cache.js";
import { ScaleDiagnoser } from "./scale_mismatch.js";
import { STORE_CASE, storeCase, storeCheck } from "./scale_store.js";
import { MANY_KEYS } from "../../corpus/many_keys.js";

export const SCALE_SIZES = { quick: [10_000, 100_000], full: [10_000, 100_000, 1_000_000] } as const;

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

/** Growth per 10x steps past which a port is not linear: linear ports measure about 10x; 30x leaves room for noise. */
export const MAX_GROWTH = 30;
/** Below this the larger size is fast enough whatever the ratio: start-up and timer noise dominate tiny times. */
const FLOOR_MS = 2000;

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

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function result(name: string, partial: Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure" | "diagnosis">): ScenarioResult {
  return { name, file: "corpus/scaling.ts", source: "corpus/scaling.ts (SPEC.md R-PROTO-12)", expectedFailure: false, diagnosis: null, ...partial };
}

const LITERAL = "R-PROTO-12; most likely R-REJOIN-2 read literally, replaying the leader's log at every rejoin, where copying the leader's store gives the same bytes";

/**
 * Runs the cases in order of size on a session of their own; one result per case and one for the growth
 * between each pair. A size is given at most MAX_GROWTH times the previous one's time (and at least
 * `timeoutMs`): past that the port is not linear, whatever it would have answered.
 */
export async function scaleChecks(
  adapter: FleetAdapter,
  cases: readonly ScaleCase[],
  timeoutMs: number,
  isExpected: (name: string) => boolean,
  diagnoser = new ScaleDiagnoser(adapter),
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let previous: { steps: number; ms: number } | null = null;
  for (const c of cases) {
    const limit = previous === null ? timeoutMs : Math.max(timeoutMs, previous.ms * MAX_GROWTH, FLOOR_MS);
    const session: Session | null = await adapter.open(c.name, limit);
    if (session === null) break;
    const request = { name: c.name, scenario: c.scenario, scenarioText: c.scenarioText, trace: false, expected: c.snapshots };
    let outcome = await session.run(request);
    // Each size runs twice and the faster run counts: a JIT (JavaScript, Java) spends most of a first
    // 10^4-step run warming up, which would make any growth after it look small, and a busy machine can
    // stretch either run.
    if (outcome.kind === "result") {
      const again = await session.run(request);
      if (again.kind !== "result" || again.durationMs < outcome.durationMs) outcome = again;
    }
    await session.close();
    let r: ScenarioResult;
    let ms: number | null = null;
    if (outcome.kind === "result") {
      ms = outcome.durationMs;
      const cmp = compareSnapshots(c.snapshots, outcome.snapshots);
      const passed = result(c.name, { status: "passed", reason: null, stderrTail: null, restarted: false, durationMs: ms });
      r = cmp.kind === "pass" ? passed : { ...passed, ...(await diagnoser.explain(c, `at ${c.steps} steps over ${KEYS} keys`, cmp, limit)) };
    } else if (outcome.kind === "broken" && outcome.timedOut && previous !== null) {
      r = result(c.name, {
        status: "failed",
        reason: `not linear: 10x more steps took more than ${MAX_GROWTH}x longer (${seconds(previous.ms)} at ${previous.steps} steps -> no answer within ${seconds(limit)} at ${c.steps}) (${LITERAL})`,
        stderrTail: outcome.stderr || null,
        restarted: true,
        durationMs: outcome.durationMs,
      });
    } else {
      const why = outcome.kind === "refused" ? `the adapter answered with an error (R-PROTO-8): ${outcome.message}` : outcome.kind === "broken" ? outcome.reason : "never answered";
      r = result(c.name, { status: "error", reason: why, stderrTail: outcome.kind === "aborted" ? null : outcome.stderr || null, restarted: outcome.kind === "broken", durationMs: outcome.kind === "aborted" ? 0 : outcome.durationMs });
    }
    results.push({ ...r, expectedFailure: isExpected(r.name) });
    if (ms !== null && previous !== null) {
      const growth = ms / previous.ms;
      const name = `scale/growth-${previous.steps}-${c.steps}`;
      const slow = growth > MAX_GROWTH && ms > FLOOR_MS;
      const reason = `${slow ? "not linear: " : ""}10x more steps took ${growth.toFixed(1)}x longer (${seconds(previous.ms)} -> ${seconds(ms)})${slow ? ` (${LITERAL})` : ""}`;
      results.push({ ...result(name, { status: slow ? "failed" : "passed", reason, stderrTail: null, restarted: false, durationMs: 0 }), expectedFailure: isExpected(name) });
    }
    if (ms === null) break;
    previous = { steps: c.steps, ms };
  }
  return results;
}

/** The cases --name and `rsm trace` accept by name: each size's (not the growths between them), and the store's. */
export const SCALE_CASE_NAMES: readonly string[] = [...SCALE_SIZES.full.map((n) => `scale/${n}`), STORE_CASE];

export const SCALE_CHECK: CheckKind = {
  names: [...SCALE_SIZES.full.map((n) => `scale/${n}`), ...SCALE_SIZES.full.slice(1).map((n, i) => `scale/growth-${SCALE_SIZES.full[i]}-${n}`), STORE_CASE],
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
