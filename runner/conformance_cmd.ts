// `rsm conformance`: every selected golden vector against every selected adapter (README, "Running the
// conformance suite"). This file only wires the runner's parts together: options, fleet, corpus, runs, reports.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { EXIT_FAILED, InvalidInput, UsageError } from "../common/errors.js";
import { checkOut, describeWriteError, writeOutput } from "../common/output.js";
import { goldensOf } from "./scenario_files_run.js";
import { PROBES } from "./checks/malformed.js";
import { SCALE_SIZES, scaleCases, type ScaleCase } from "./checks/scale.js";
import { runAdapter, type RunContext } from "./adapter_run.js";
import { PRODUCED_BY, REFERENCE_PRODUCER, addProduced, decodeResults, loadDecodeVectors, type DecodeVector, type Produced } from "./checks/decode.js";
import { binsDir, writeBins } from "./report/bins.js";
import { guardChildren, killAll } from "./adapter/children.js";
import { listCorpus, readVector, type CorpusEntry } from "./corpus.js";
import { CorpusStream } from "./corpus_stream.js";
import { NO_EXPECTED_FAILURES, checkExpectedReason, loadExpectedFailures, updatedList, type ExpectedFailures } from "./expected_failures.js";
import { exitCode, isUnexpectedProblem, type AdapterReport } from "./model.js";
import { USAGE, parseOptions, type Options } from "./options.js";
import { openFleet, type FleetAdapter } from "./adapter/fleet.js";
import { renderHuman } from "./report/reporters/human.js";
import { renderJson } from "./report/reporters/json.js";
import { renderJunit } from "./report/reporters/junit.js";
import { writeHtmlReport } from "./report/reporters/html.js";
import { Progress } from "./report/reporters/progress.js";
import { COLOUR, PLAIN, useColour } from "./report/reporters/style.js";
import type { RunReport } from "./report/run_report.js";
import { corpusHash, kitOf, machineOf, scenariosOf, selectionFlags } from "./report/run_meta.js";
import { renderMarkdown } from "./report/reporters/markdown.js";
import { annotations, writeStepSummary } from "./report/reporters/github.js";
import { nearestNames, streamSelection } from "./select.js";
import { GOLDEN_DIR, scenariosWithoutGolden } from "../corpus/scenario_files.js";

interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Where the command writes; tests pass their own to capture the report. */
export interface Io {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly env: NodeJS.ProcessEnv;
}

/** Every --name must name a golden: a typo would otherwise select nothing, or (with others) silently less. */
function checkNames(names: readonly string[], known: readonly string[]): void {
  for (const n of names) {
    if (!known.includes(n)) throw new UsageError(`--name: no golden vector is named ${JSON.stringify(n)}; nearest: ${nearestNames(n, known).join(", ")}`);
  }
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

/** --list: the selection's names, tags, features and steps, one per line (or as JSON); nothing runs. */
async function listSelection(o: Options, io: Io): Promise<number> {
  const entries = await listCorpus(o.vectors);
  const decodeVectors = await loadDecodeVectors(o.vectors);
  checkNames(o.names, [...entries.map((e) => e.name), ...decodeVectors.map((v) => v.name)]);
  const select = streamSelection(o);
  const rows: { name: string; tags: string[]; features: string[]; steps: number }[] = [];
  const problems: string[] = [];
  for (const e of entries) {
    if (!select.byName(e.name)) continue;
    const v = readVector(e);
    if (typeof v === "string") problems.push(v);
    else if (select.byContent(v)) rows.push({ name: v.name, tags: [...v.golden.tags], features: [...v.golden.features], steps: v.golden.scenario.steps.length });
  }
  if (problems.length > 0) throw new InvalidInput(problems);
  // Decode vectors (SPEC.md section 8) are selected as scenarios are; they have no steps.
  for (const v of decodeVectors) {
    if (select.byName(v.name) && (o.tags.length === 0 || v.golden.tags.some((t) => o.tags.includes(t)))) rows.push({ name: v.name, tags: [...v.golden.tags], features: ["decode"], steps: 0 });
  }
  if (o.reporter === "json") io.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
  else {
    for (const r of rows) io.stdout.write(`${r.name}  tags: ${r.tags.join(",") || "-"}  features: ${r.features.join(",") || "-"}  steps: ${r.steps}\n`);
    const decode = rows.filter((r) => r.name.startsWith("decode/")).length;
    io.stdout.write(`${rows.length - decode} scenario${rows.length - decode === 1 ? "" : "s"} of ${entries.length}${decode > 0 ? `, ${decode} decode vector${decode === 1 ? "" : "s"}` : ""}\n`);
  }
  return 0;
}

/** The names the checks beyond the corpus report under, which an expected-failures list may name too. */
const CHECK_NAMES = [
  ...PROBES.map((p) => `protocol/${p.name}`),
  "env/sample",
  ...SCALE_SIZES.full.map((n) => `scale/${n}`),
  ...SCALE_SIZES.full.slice(1).map((n, i) => `scale/growth-${SCALE_SIZES.full[i]}-${n}`),
];

/**
 * The decode check (runner/checks/decode.ts) after every adapter's corpus, so each consumer can decode what
 * every producer wrote: its results are appended to each adapter's report. Cells are selected by name like
 * any scenario, and only producers that produced something have one.
 */
async function withDecodeResults(
  fleet: readonly FleetAdapter[],
  adapters: AdapterReport[],
  vectors: readonly DecodeVector[],
  producers: ReadonlyMap<string, Produced>,
  byName: (name: string) => boolean,
  o: Options,
  expected: ExpectedFailures,
): Promise<AdapterReport[]> {
  const cells = new Map([...producers].filter(([p, produced]) => produced.size > 0 && byName(`${PRODUCED_BY}${p}`)));
  if (vectors.length === 0 && cells.size === 0) return adapters;
  const requireDecode = o.requireFeatures === "all" || o.requireFeatures.includes("decode");
  return Promise.all(
    adapters.map(async (report, i) => {
      const a = fleet[i]!;
      if (report.fatal !== null || a.hello === null) return report;
      const t0 = performance.now();
      const more = await decodeResults(a, vectors, cells, requireDecode);
      return { ...report, results: [...report.results, ...more.map((r) => ({ ...r, expectedFailure: expected.has(a.name, r.name) }))], durationMs: report.durationMs + (performance.now() - t0) };
    }),
  );
}

const PROCESS_IO: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** Two --exec ports may say the same name in their hello; the later ones get #2, #3 in command-line order. */
function uniqueNames(adapters: AdapterReport[]): AdapterReport[] {
  const seen = new Set<string>();
  return adapters.map((a) => {
    let name = a.name;
    for (let k = 2; seen.has(name); k++) name = `${a.name}#${k}`;
    seen.add(name);
    return name === a.name ? a : { ...a, name };
  });
}

export async function conformanceCommand(args: string[], root: string, io: Io = PROCESS_IO): Promise<number> {
  const parsed = parseOptions(args, root);
  if (parsed.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (parsed.scenarios.length === 0) return run(parsed, root, io);
  const goldens = await goldensOf(parsed.scenarios);
  try {
    return await run({ ...parsed, vectors: goldens.dir }, root, io);
  } finally {
    await goldens.remove();
  }
}

async function run(o: Options, root: string, io: Io): Promise<number> {
  if (o.out !== null) await checkOut(o.out, o.reporter);
  if (o.list) return listSelection(o, io);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const note = (line: string) => io.stderr.write(`rsm: ${line}\n`);

  const release = guardChildren((text) => io.stderr.write(text));
  let adapters: AdapterReport[];
  let expected: ExpectedFailures = NO_EXPECTED_FAILURES;
  let stream: CorpusStream | null = null;
  let progress: Progress | null = null;
  let hash: Promise<string> | null = null;
  try {
    // Adapters are built and started (up to their hello) while the corpus is listed and read, so a slow
    // start-up such as tsx compiling the TypeScript adapter overlaps work the runner has to do anyway.
    const fleet = await openFleet(root, { adapters: o.adapters, execs: o.execs, build: o.build, start: true, timeoutMs: o.timeoutMs, note });
    for (const a of fleet) a.ready.catch(() => {}); // awaited below; this only keeps an early usage error from leaving them unobserved
    const entries = await listCorpus(o.vectors);
    const allDecode = await loadDecodeVectors(o.vectors);
    hash = corpusHash(entries);
    hash.catch(() => {}); // awaited for the report; this only keeps it from being unobserved meanwhile
    checkNames(o.names, [...entries.map((e) => e.name), ...allDecode.map((v) => v.name)]);
    const cells = [REFERENCE_PRODUCER, ...fleet.map((a) => a.name)].map((p) => `${PRODUCED_BY}${p}`);
    expected = o.expectedFailures.length > 0 ? await loadExpectedFailures(o.expectedFailures, new Set([...entries.map((e) => e.name), ...allDecode.map((v) => v.name), ...cells, ...CHECK_NAMES])) : NO_EXPECTED_FAILURES;
    const stop = { stopped: false };
    const selection = streamSelection(o);
    const decodeVectors = allDecode.filter((v) => selection.byName(v.name) && (o.tags.length === 0 || v.golden.tags.some((t) => o.tags.includes(t))));
    // The decode matrix's producers: the reference (the goldens' snapshots) and every adapter, in fleet order;
    // keyed by adapter, whose name is known only once it has said hello.
    const referenceProduced: Produced = new Map();
    const produced = new Map<FleetAdapter, Produced>(fleet.map((a) => [a, new Map()]));
    // A bad golden stops the sending of further work at once; the run then ends with the list of bad files.
    const corpus = new CorpusStream(entries, selection, () => (stop.stopped = true));
    stream = corpus;
    const noMatch = () => {
      const asked = [...o.names.map((n) => `--name ${n}`), ...o.filters.map((f) => `--filter ${f}`), ...o.skips.map((f) => `--skip ${f}`), ...o.tags.map((t) => `--tag ${t}`)].join(" ");
      const tags = [...new Set(corpus.selected().length === 0 ? allTags(entries) : [])].sort();
      const hint = o.tags.length > 0 ? `; the tags that exist: ${tags.join(", ")}` : o.filters.length > 0 ? `; nearest names: ${nearestNames(o.filters[0]!, entries.map((e) => e.name)).join(", ")}` : "";
      return new UsageError(`no scenario matches ${asked} among ${corpus.corpusSize} golden vectors${hint}`);
    };
    if (corpus.candidates.length === 0 && decodeVectors.length === 0 && (o.filters.length > 0 || o.tags.length > 0 || o.names.length > 0 || o.skips.length > 0)) {
      await corpus.finished;
      if (corpus.problems.length > 0) throw new InvalidInput(corpus.problems);
      throw noMatch();
    }
    const bar = new Progress(io.stderr, () => corpus.expectedCount);
    progress = bar;
    // Each variant computed (or read from its cache) once, when the first adapter that needs it asks.
    const variants = new Map<boolean, Promise<ScaleCase[]>>();
    const scale =
      o.scale === "off"
        ? null
        : (compact: boolean) => {
            let cases = variants.get(compact);
            if (cases === undefined) variants.set(compact, (cases = scaleCases(root, SCALE_SIZES[o.scale as "quick" | "full"], compact)));
            return cases;
          };
    const ctx: RunContext = {
      requireFeatures: o.requireFeatures,
      malformed: o.malformed,
      env: o.env,
      scale,
      timeoutMs: o.timeoutMs,
      jobs: o.jobs,
      expected,
      bail: o.bail,
      stop,
      onResult: (a: FleetAdapter, r) => bar.tick(a.name, isUnexpectedProblem(r)),
      onProduced: (a, v, snapshots) => {
        addProduced(produced.get(a)!, v.name, snapshots);
        addProduced(referenceProduced, v.name, v.golden.snapshots);
      },
    };
    adapters = await Promise.all(
      fleet.map(async (a): Promise<AdapterReport> => {
        const first = await a.ready;
        if (first === null) {
          await corpus.finished;
          return { name: a.name, command: a.command, hello: a.hello, fatal: a.fatal, results: [], notRun: corpus.selected().length, durationMs: 0, built: a.built };
        }
        return runAdapter(a, first, corpus, ctx);
      }),
    );
    await corpus.finished;
    if (corpus.problems.length > 0) throw new InvalidInput(corpus.problems);
    if (corpus.selected().length === 0 && decodeVectors.length === 0 && o.tags.length > 0) throw noMatch();
    // The matrix belongs to a corpus with decode vectors (the default one), not to a folder of goldens made
    // for one purpose (--scenario's files, a test's fixtures, the scaling guard's million steps).
    if (!stop.stopped && allDecode.length > 0) {
      // Cells are named by producer, so two --exec ports that say the same name need theirs told apart first.
      adapters = uniqueNames(adapters);
      const producers = new Map([[REFERENCE_PRODUCER, referenceProduced], ...fleet.map((a, i): [string, Produced] => [adapters[i]!.name, produced.get(a)!])]);
      adapters = await withDecodeResults(fleet, adapters, decodeVectors, producers, selection.byName, o, expected);
    }
  } finally {
    killAll();
    release();
    progress?.clear();
  }

  adapters = uniqueNames(adapters).map((a) => ({ ...a, results: a.results.map((r) => checkExpectedReason(expected, a.name, r)) }));
  if (o.updateExpectedFailures !== null) {
    const file = o.updateExpectedFailures;
    const previous = await readFile(file, "utf8").catch(() => "");
    const u = updatedList(previous, adapters);
    await writeOutput(file, u.text);
    note(`updated ${file}: ${u.added.length} added${u.added.length ? ` (${u.added.slice(0, 3).join(", ")}${u.added.length > 3 ? ", ..." : ""})` : ""}, ${u.removed.length} removed${u.removed.length ? ` (${u.removed.slice(0, 3).join(", ")}${u.removed.length > 3 ? ", ..." : ""})` : ""}`);
  }
  let writeFailed = false;
  if (o.out !== null) {
    const dir = binsDir(o.out, o.reporter);
    await writeBins(dir, adapters).catch((err: unknown) => {
      // The run is done; missing .bin files are a loss the report can live with, said once.
      note(`cannot write the .bin files below ${dir}: ${describeWriteError(err)}`);
      writeFailed = true;
    });
  }
  const run: RunReport = {
    adapters,
    selected: stream.selected().length,
    corpus: stream.corpusSize,
    durationMs: performance.now() - started,
    strict: o.strict,
    exitCode: exitCode(adapters, o.strict),
    startedAt,
    checks: [
      ...(o.malformed ? ["malformed input"] : []),
      ...(o.env !== "off" ? [`environment${o.env === "all" ? ", every vector" : ""}`] : []),
      ...(o.scale !== "off" ? [`scale to ${o.scale === "full" ? "10^6" : "10^5"} steps`] : []),
    ],
    ...(path.resolve(o.vectors) === path.resolve(root, GOLDEN_DIR) && { withoutGolden: await scenariosWithoutGolden(root) }),
    meta: { kit: kitOf(), corpus_sha256: await hash!, shard: o.shard, selection: selectionFlags(o, root), machine: machineOf(), scenarios: scenariosOf(stream.selected()) },
  };
  const human = () => renderHuman(run, useColour(io.stdout, io.env) ? COLOUR : PLAIN);
  if (o.reporter === "human") io.stdout.write(human());
  else if (o.reporter === "html") {
    io.stdout.write(human());
    try {
      await writeHtmlReport(run, o.out!, undefined, renderJson(run));
      note(`wrote html report ${path.join(o.out!, "index.html")}`);
    } catch (err) {
      note(`cannot write the html report to ${o.out}: ${describeWriteError(err)}`);
      writeFailed = true;
    }
  } else {
    const text = o.reporter === "json" ? renderJson(run) : o.reporter === "markdown" ? renderMarkdown(run) : renderJunit(run);
    if (o.out === null) io.stdout.write(text);
    else {
      io.stdout.write(human());
      try {
        await writeOutput(o.out, text);
        note(`wrote ${o.reporter} report ${o.out}`);
      } catch (err) {
        // The environment failed, not the run: say where and why, and keep the report by printing it.
        note(`cannot write the ${o.reporter} report to ${o.out}: ${describeWriteError(err)}; it follows on stdout`);
        io.stdout.write(text);
        writeFailed = true;
      }
    }
  }
  // GitHub Actions: the summary for the run's page, and annotations on the scenario files (not when stdout
  // carries a json or markdown report, which a workflow command line would corrupt).
  await writeStepSummary(run, io.env).catch((err: unknown) => {
    note(`cannot append to $GITHUB_STEP_SUMMARY (${io.env.GITHUB_STEP_SUMMARY}): ${describeWriteError(err)}`);
    writeFailed = true;
  });
  if (io.env.GITHUB_ACTIONS === "true" && (o.out !== null || o.reporter === "human")) for (const line of await annotations(run, root)) io.stdout.write(`${line}\n`);
  return writeFailed ? Math.max(run.exitCode, EXIT_FAILED) : run.exitCode;
}
