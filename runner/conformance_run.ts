// One conformance run over the fleet: adapters built and started, the selected corpus streamed through each
// (runner/adapter_run.ts), the checks beyond the corpus around it, then the decode phase across producers.
// Everything an adapter does becomes a result; what the user gave wrong is thrown as a usage or input error.
import { InvalidInput, UsageError } from "../common/errors.js";
import { consoleLine } from "../common/escape.js";
import { guardChildren, killAll } from "./adapter/children.js";
import { planFleet, startFleet, type FleetAdapter } from "./adapter/fleet.js";
import { runAdapter } from "./adapter_run.js";
import { CHECK_NAMES, CHECK_PREFIXES, checksFor } from "./checks/index.js";
import { SCALE_CASE_NAMES } from "./checks/scale.js";
import { PRODUCED_BY, REFERENCE_PRODUCER, loadDecodeVectors } from "./checks/decode.js";
import { Producers, withDecodeResults } from "./checks/decode_phase.js";
import { withRanking } from "./diagnosis/run_ranking.js";
import { listCorpus, readVector, type CorpusEntry } from "./corpus.js";
import { CorpusStream } from "./corpus_stream.js";
import { NO_EXPECTED_FAILURES, loadExpectedFailures, type ExpectedFailures } from "./expected_failures.js";
import { isUnexpectedProblem, type AdapterReport } from "./model.js";
import type { Options } from "./options.js";
import { Progress } from "./report/reporters/progress.js";
import type { TextStream } from "./report/reporters/style.js";
import { corpusHash } from "./report/run_meta.js";
import { checkNames, nearestNames, streamSelection } from "./select.js";


export interface ConformanceRun {
  /** One per adapter, in fleet order, each named uniquely. */
  readonly adapters: AdapterReport[];
  readonly expected: ExpectedFailures;
  /** The corpus as streamed: how many vectors it has, and which were selected. */
  readonly corpus: CorpusStream;
  readonly corpusSha256: string;
  /** The titles of the checks beyond the corpus that ran, for the report. */
  readonly checks: string[];
}

/** The tags of every golden, read for an error message only. */
function allTags(entries: readonly CorpusEntry[]): string[] {
  const tags = new Set<string>();
  for (const e of entries) {
    const v = readVector(e);
    if (typeof v !== "string") for (const t of v.golden.tags) tags.add(t);
  }
  return [...tags];
}

/** Two --exec ports may say the same name in their hello; the later ones get #2, #3 in command-line order. */
export function uniqueNames(adapters: readonly AdapterReport[]): AdapterReport[] {
  const seen = new Set<string>();
  return adapters.map((a) => {
    let name = a.name;
    for (let k = 2; seen.has(name); k++) name = `${a.name}#${k}`;
    seen.add(name);
    return name === a.name ? a : { ...a, name };
  });
}

export async function runConformance(o: Options, root: string, stderr: TextStream): Promise<ConformanceRun> {
  const note = (line: string) => stderr.write(`rsm: ${consoleLine(line)}\n`);
  // Every input the user gave is read and checked before any adapter starts, so that a usage error never
  // leaves one running, nor waits for one: the corpus, --name, the registry and --adapter, the lists.
  const entries = await listCorpus(o.vectors);
  const allDecode = await loadDecodeVectors(o.vectors);
  // The scale check's cases are named like vectors (scale/10000) and generated: --name runs them alone.
  checkNames(o.names, [...entries.map((e) => e.name), ...allDecode.map((v) => v.name), ...SCALE_CASE_NAMES]);
  const scaleNames = o.names.filter((n) => SCALE_CASE_NAMES.includes(n));
  const targets = await planFleet(root, { adapters: o.adapters, execs: o.execs });
  const cells = [REFERENCE_PRODUCER, ...targets.map((t) => t.name)].map((p) => `${PRODUCED_BY}${p}`);
  const expected = o.expectedFailures.length > 0 ? await loadExpectedFailures(o.expectedFailures, new Set([...entries.map((e) => e.name), ...allDecode.map((v) => v.name), ...cells, ...CHECK_NAMES, ...CHECK_PREFIXES.flatMap((p) => entries.map((e) => `${p}${e.name}`))])) : NO_EXPECTED_FAILURES;
  const hash = corpusHash(entries);
  hash.catch(() => {}); // awaited for the report; this only keeps it from being unobserved meanwhile

  const release = guardChildren((text) => stderr.write(text));
  let progress: Progress | null = null;
  let fleet: FleetAdapter[] = [];
  try {
    const stop = { stopped: false };
    const selection = streamSelection(o);
    const decodeVectors = allDecode.filter((v) => selection.byName(v.name) && selection.byContent(v));
    // A bad golden stops the sending of further work at once; the run then ends with the list of bad files.
    const corpus = new CorpusStream(entries, selection, () => (stop.stopped = true));
    const noMatch = () => {
      const asked = [...o.names.map((n) => `--name ${n}`), ...o.filters.map((f) => `--filter ${f}`), ...o.skips.map((f) => `--skip ${f}`), ...o.tags.map((t) => `--tag ${t}`)].join(" ");
      const tags = [...new Set(corpus.selected().length === 0 ? allTags(entries) : [])].sort();
      const hint = o.tags.length > 0 ? `; the tags that exist: ${tags.join(", ")}` : o.filters.length > 0 ? `; nearest names: ${nearestNames(o.filters[0]!, entries.map((e) => e.name)).join(", ")}` : "";
      return new UsageError(`no scenario matches ${asked} among ${corpus.corpusSize} golden vectors${hint}`);
    };
    // A selection of nothing is a usage error, found before any adapter starts.
    if (corpus.candidates.length === 0 && decodeVectors.length === 0 && scaleNames.length === 0 && (o.filters.length > 0 || o.tags.length > 0 || o.names.length > 0 || o.skips.length > 0)) {
      await corpus.finished;
      if (corpus.problems.length > 0) throw new InvalidInput(corpus.problems);
      throw noMatch();
    }
    // Adapters are built and started (up to their hello) while the corpus is read, so a slow start-up such
    // as tsx compiling the TypeScript adapter overlaps work the runner has to do anyway.
    fleet = startFleet(root, targets, { adapters: o.adapters, execs: o.execs, build: o.build, start: true, timeoutMs: o.timeoutMs, note });
    for (const a of fleet) a.ready.catch(() => {}); // awaited below; this only keeps an early error from leaving them unobserved
    const bar = new Progress(stderr, () => corpus.expectedCount);
    progress = bar;
    const checks = checksFor({ root, malformed: o.malformed, env: o.env, scale: o.scale, scaleNames, traces: o.traces, timeoutMs: o.timeoutMs });
    const producers = new Producers();
    let adapters = await Promise.all(
      fleet.map(async (a): Promise<AdapterReport> => {
        const first = await a.ready;
        if (first === null) {
          await corpus.finished;
          return { name: a.name, command: a.command, hello: a.hello, fatal: a.fatal, results: [], notRun: corpus.selected().length, durationMs: 0, built: a.built };
        }
        return runAdapter(a, first, corpus, {
          requireFeatures: o.requireFeatures,
          checks,
          jobs: o.jobs,
          expected,
          bail: o.bail,
          stop,
          onResult: (adapter: FleetAdapter, r) => bar.tick(adapter.name, isUnexpectedProblem(r)),
          onProduced: (adapter, v, snapshots) => producers.add(adapter, v, snapshots),
        });
      }),
    );
    await corpus.finished;
    if (corpus.problems.length > 0) throw new InvalidInput(corpus.problems);
    if (corpus.selected().length === 0 && decodeVectors.length === 0 && o.tags.length > 0) throw noMatch();
    // Cells are named by producer, so two --exec ports that say the same name need theirs told apart first.
    adapters = uniqueNames(adapters);
    // The matrix belongs to a corpus with decode vectors (the default one), not to a folder of goldens made
    // for one purpose (--scenario's files, a test's fixtures, the scaling guard's million steps).
    if (!stop.stopped && allDecode.length > 0) {
      const requireDecode = o.requireFeatures === "all" || o.requireFeatures.includes("decode");
      adapters = await withDecodeResults(fleet, adapters, {
        vectors: decodeVectors,
        producers: producers.named(fleet, adapters.map((a) => a.name)),
        byName: selection.byName,
        requireDecode,
        expected,
      });
    }
    // Ranked once every vector of the adapter, the decode vectors included, has its result.
    adapters = adapters.map(withRanking);
    return { adapters, expected, corpus, corpusSha256: await hash, checks: checks.map((c) => c.title) };
  } finally {
    // Whatever ended the run: nothing more starts, then everything started is killed.
    for (const a of fleet) a.stop();
    killAll();
    release();
    progress?.clear();
  }
}
