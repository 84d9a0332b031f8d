// The scale check (R-PROTO-12): after the corpus, each adapter runs generated scenarios of growing length
// (corpus/scaling.ts: mixed ops over 10^4 keys, partitions, crashes and rejoins throughout). Their bytes are
// checked like any vector, and the adapter's own time at each size gives a growth verdict. The corpus's
// longest vector has 5,001 steps, at which a quadratic port still looks fast; at 10^5 it does not.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { runScenario, type NormalizedScenario, type SnapshotEntry } from "../../reference/index.js";
import { writeFileAtomic } from "../../common/fs_atomic.js";
import { GOLDEN_FILE, readInputTextSync } from "../../common/read_file.js";
import { scalingScenario } from "../../corpus/scaling.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ScenarioResult } from "../model.js";
import { scenarioJson } from "../adapter/protocol.js";
import type { Session } from "../adapter/session.js";
import type { CheckKind } from "./check.js";

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

/** Every file whose change can change the expected bytes: the reference and the generator. */
function newestSource(root: string): number {
  let newest = 0;
  for (const dir of ["reference", "corpus"]) {
    // A root that is not the kit's own (a test's) has neither: then only an absent cache is computed.
    const entries = existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true }) : [];
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(".ts")) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * The scaling scenarios and their expected snapshots, computed by the reference once and cached under
 * .build/scale/ (not committed: they are derived, and regenerated whenever the reference changes).
 */
export async function scaleCases(root: string, sizes: readonly number[], compact = false): Promise<ScaleCase[]> {
  const dir = path.join(root, ".build", "scale");
  mkdirSync(dir, { recursive: true });
  const newest = newestSource(root);
  const cases: ScaleCase[] = [];
  for (const steps of sizes) {
    const compactEvery = compact ? COMPACT_EVERY : 0;
    const scenario = scalingScenario(steps, 1, EVENT_EVERY, KEYS, compactEvery);
    // Named by everything that shapes the scenario, so a change of parameters never reads a stale answer.
    const file = path.join(dir, `${steps}-every${EVENT_EVERY}-keys${KEYS}${compact ? `-compact${compactEvery}` : ""}.json`);
    let snapshots: SnapshotEntry[] | null = null;
    if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > newest) {
      try {
        snapshots = JSON.parse(readInputTextSync(file, GOLDEN_FILE)) as SnapshotEntry[];
      } catch {
        snapshots = null; // A damaged cache is computed again.
      }
    }
    if (snapshots === null) {
      snapshots = runScenario(scenario).snapshots as SnapshotEntry[];
      await writeFileAtomic(file, JSON.stringify(snapshots));
    }
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
export async function scaleChecks(adapter: FleetAdapter, cases: readonly ScaleCase[], timeoutMs: number, isExpected: (name: string) => boolean): Promise<ScenarioResult[]> {
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
      r =
        cmp.kind === "pass"
          ? result(c.name, { status: "passed", reason: null, stderrTail: null, restarted: false, durationMs: ms })
          : result(c.name, {
              status: "failed",
              reason: `at scale: at ${c.steps} steps over ${KEYS} keys, the snapshot of step ${cmp.expected.step} node ${cmp.expected.node} differs from the reference's (a bug the corpus's small scenarios do not reach, such as a code path for big stores)`,
              stderrTail: null,
              restarted: false,
              durationMs: ms,
            });
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

export const SCALE_CHECK: CheckKind = {
  names: [...SCALE_SIZES.full.map((n) => `scale/${n}`), ...SCALE_SIZES.full.slice(1).map((n, i) => `scale/growth-${SCALE_SIZES.full[i]}-${n}`)],
  create: (s) => {
    if (s.scale === "off") return null;
    const sizes = SCALE_SIZES[s.scale];
    // Each variant computed (or read from its cache) once per run, when the first adapter that needs it asks.
    const variants = new Map<boolean, Promise<ScaleCase[]>>();
    const casesFor = (compact: boolean) => {
      let cases = variants.get(compact);
      if (cases === undefined) variants.set(compact, (cases = scaleCases(s.root, sizes, compact)));
      return cases;
    };
    return {
      title: `scale to ${s.scale === "full" ? "10^6" : "10^5"} steps`,
      when: "after",
      run: async (i) => ({ results: await scaleChecks(i.adapter, await casesFor(i.adapter.features.has("compact")), s.timeoutMs, i.isExpected), session: null }),
    };
  },
};
