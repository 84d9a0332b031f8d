// The environment check (R-PROTO-11): after the corpus, a sample of the vectors (every one with --env all)
// runs again in a fresh adapter process under a hostile but legal environment, each twice in that process.
// The bytes must equal the golden's, as they did in the main pass, and a difference must reproduce in fresh
// processes (env_confirm.ts) before it is called environment-dependent. A port that reads stdin in the locale's
// charset, ranges over a hash map, or keeps state between requests passes the main pass by luck and fails here.
import type { Vector } from "../corpus.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ScenarioResult } from "../model.js";
import type { CheckKind } from "./check.js";
import { REPRODUCED, confirmEnvFailure, type Confirmation } from "./env_confirm.js";

/** The name of a vector's difference under the check: this and the vector's name. */
const ENV_PREFIX = "env/";

/**
 * The environment: the C locale (a minimal CI image's), a time zone 12:45 ahead, a random hash seed for
 * Python, one thread for Go, and stdin in odd-sized pieces. The working directory stays: registry and --exec
 * command lines name their files relative to it.
 */
export function hostileEnvironment(): Record<string, string> {
  return { LC_ALL: "C", LANG: "C", LANGUAGE: "C", TZ: "Pacific/Chatham", PYTHONHASHSEED: String(1 + Math.floor(Math.random() * 4_000_000_000)), GOMAXPROCS: "1" };
}

/** Shown in every failure: what was different. */
const DESCRIBED = "LC_ALL=C, TZ=Pacific/Chatham, a random PYTHONHASHSEED, GOMAXPROCS=1, stdin in odd pieces, each scenario twice in one process";

/**
 * The second pass: the C locale with Python's UTF-8 mode off. Under LC_ALL=C alone, Python 3.7+ turns UTF-8
 * mode on (PEP 540), so a Python port that reads sys.stdin as text reads UTF-8 there and passes; with
 * PYTHONUTF8=0 it reads ASCII, as it would under any locale that is not UTF-8. (A Latin-1 locale would do the
 * same for every runtime that follows the locale, but a minimal image has none: `locale -a` lists only C,
 * C.utf8 and POSIX on the Debian this kit is built on.) Only the vectors with a character outside ASCII in
 * their request run again: no charset that agrees with ASCII can change the others.
 */
export function nonUtf8Environment(): Record<string, string> {
  return { LC_ALL: "C", LANG: "C", LANGUAGE: "C", PYTHONUTF8: "0", PYTHONCOERCECLOCALE: "0" };
}

const NON_UTF8_DESCRIBED = "LC_ALL=C with PYTHONUTF8=0 (no UTF-8 mode for Python), stdin in odd pieces, each scenario twice in one process";

/** One environment the check runs vectors under. */
export interface EnvPass {
  readonly env: Record<string, string>;
  readonly described: string;
}

/** The sample: every vector of the topics where environments bite (keys), and the first of every other topic. */
export function envSample(vectors: readonly Vector[]): Vector[] {
  const seen = new Set<string>();
  return vectors.filter((v) => {
    const topic = v.name.split("/")[0]!;
    if (topic === "keys") return true;
    if (seen.has(topic)) return false;
    seen.add(topic);
    return true;
  });
}

/** Runs `vectors` (those that passed the main pass) again under one environment; one result per difference. */
export async function envChecks(adapter: FleetAdapter, vectors: readonly Vector[], isExpected: (name: string) => boolean, { env, described, notes }: EnvPass & { readonly notes?: string[] }): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const variant = { env, chunked: true };
  let session = await adapter.open("the environment check", undefined, variant);
  if (session === null) return results;
  // The first vector whose difference reproduced in fresh processes, if any.
  let reproduced: string | null = null;
  for (const v of vectors) {
    const features = adapter.features;
    if (v.golden.features.some((f) => !features.has(f))) continue;
    session ??= await adapter.open("the environment check", undefined, variant);
    if (session === null) break;
    for (const [r, round] of ["", " (its second run in the same process)"].entries()) {
      const o = await session.run({ name: v.name, scenario: v.golden.scenario, scenarioText: v.scenarioText, trace: false, expected: v.golden.snapshots });
      const name = `${ENV_PREFIX}${v.name}`;
      let reason: string | null = null;
      if (o.kind === "result") {
        const cmp = compareSnapshots(v.golden.snapshots, o.snapshots);
        if (cmp.kind === "mismatch") reason = `environment-dependent: under ${described}, ${v.name}${round} differs in the snapshot of step ${cmp.expected.step} node ${cmp.expected.node}, which the main pass got right (R-PROTO-11)`;
      } else {
        const what = o.kind === "refused" ? `answered with an error: ${o.message}` : o.kind === "broken" ? o.reason : "was never answered";
        reason = `environment-dependent: under ${described}, ${v.name}${round} ${what} (R-PROTO-11)`;
      }
      if (reason !== null) {
        // Only a difference that reproduces is the environment's (env_confirm.ts). Once one has, the port is
        // shown environment-dependent, and the others are not asked again: two process starts each (seconds
        // for a port started through tsx or a JVM) over a whole topic would add minutes to the run.
        const c: Confirmation = reproduced === null ? await confirmEnvFailure(adapter, v, o, r === 0 ? 1 : 2, variant) : { verdict: "environment", detail: `; not asked again: the difference of ${reproduced} reproduced` };
        if (c.verdict === "environment" && reproduced === null && c.detail === REPRODUCED) reproduced = v.name;
        if (c.verdict === "passed") notes?.push(c.note);
        else {
          const base = { name, file: v.file, source: v.golden.source, expectedFailure: isExpected(name) };
          const failed = { status: "failed" as const, stderrTail: o.kind === "aborted" ? null : o.stderr || null, restarted: o.kind === "broken", diagnosis: null, durationMs: o.kind === "aborted" ? 0 : o.durationMs };
          results.push(c.verdict === "nondeterministic" ? { ...c.result, ...base } : { ...base, ...failed, reason: c.verdict === "environment" ? `${reason}${c.detail}` : c.reason });
        }
        break;
      }
    }
    if (!session.alive) {
      // A failure ends the check for good only when the adapter cannot be started again.
      session = null;
      if (results.length > 0) break;
    }
  }
  await session?.close();
  return results;
}

/** Both passes: the hostile environment over `vectors`, then the non-UTF-8 one; one result per difference, or one passing summary. */
async function envPasses(adapter: FleetAdapter, vectors: readonly Vector[], isExpected: (name: string) => boolean): Promise<ScenarioResult[]> {
  const t0 = performance.now();
  // Timeouts that a second try with more time answered right: not failures, but the report says so.
  const notes: string[] = [];
  const results = await envChecks(adapter, vectors, isExpected, { env: hostileEnvironment(), described: DESCRIBED, notes });
  // A vector fails once: the second pass leaves out what the first failed.
  const failed = new Set(results.map((r) => r.name));
  const nonAscii = vectors.filter((v) => /[^\x00-\x7f]/.test(v.scenarioText) && !failed.has(`${ENV_PREFIX}${v.name}`));
  if (adapter.fatal === null && nonAscii.length > 0) results.push(...(await envChecks(adapter, nonAscii, isExpected, { env: nonUtf8Environment(), described: NON_UTF8_DESCRIBED, notes })));
  if (results.length === 0) {
    const name = "env/sample";
    const reason = `${vectors.length} vectors, each twice, under ${DESCRIBED}; the ${nonAscii.length} of them with characters outside ASCII again under ${NON_UTF8_DESCRIBED}`;
    results.push({ name, file: "", source: "SPEC.md R-PROTO-11", status: "passed", expectedFailure: isExpected(name), reason, stderrTail: null, restarted: false, diagnosis: null, durationMs: performance.now() - t0, ...(notes.length > 0 && { note: notes.join("; ") }) });
  }
  return results;
}

export const ENVIRONMENT_CHECK: CheckKind = {
  names: ["env/sample"],
  // A difference is reported per vector (env/NAME), which an expected-failures list and a shard merge must know.
  prefix: ENV_PREFIX,
  create: (s) =>
    s.env === "off"
      ? null
      : {
          title: `environment${s.env === "all" ? ", every vector" : ""}`,
          when: "after",
          run: async (i) => ({ results: await envPasses(i.adapter, s.env === "all" ? i.passed : envSample(i.passed), i.isExpected), session: null }),
        },
};
