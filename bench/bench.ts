// `npm run bench`: what the kit costs and how every implementation scales. Writes bench/results.md and
// bench/results.json (machine, versions, date, every figure a median of --runs runs). Not a test: nothing
// here asserts a speed; the kit's speed targets are printed beside the measurements.
//
//   npm run bench [-- --runs 3] [-- --quick] [-- --only SECTIONS]
//
// --only c (or ab, bd, ...) runs those sections alone and prints their figures as JSON, writing nothing.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GOLDEN_DIR } from "../corpus/scenario_files.js";
import { BENCH_ELECT_EVERY } from "../corpus/scaling.js";
import { loadCorpus } from "../runner/corpus.js";
import { usage } from "../common/args.js";
import { UsageError } from "../common/errors.js";
import { consoleLine } from "../common/escape.js";
import { openFleet } from "../runner/adapter/fleet.js";
import { fatalLines } from "../runner/report/reporters/human.js";
import { PLAIN } from "../runner/report/reporters/style.js";
import { writeFileAtomic } from "../common/fs_atomic.js";
import { adapterOwnTime, adaptersAtOnce, median, oneProcessPerScenario, runnerReport, scaleThroughAdapter, scaleThroughReference, type Launch } from "./measure.js";
import { writeTinyCorpus } from "./tiny_corpus.js";
import { BENCH_SPEC, parseBenchOptions } from "./options.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function options(): { quick: boolean; runs: number; only: string } {
  const o = parseBenchOptions(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(`${usage(BENCH_SPEC)}\n`);
    process.exit(0);
  }
  return o;
}

const { quick, runs: RUNS, only: ONLY } = (() => {
  try {
    return options();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${consoleLine(err.message)}\n`);
    process.exit(2);
  }
})();
const want = (section: string) => ONLY.includes(section);
const SCALES = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
const TINY = 20_000;
/** Rounds for section c, whatever --runs says: its ratio moves by several percent from run to run. */
const C_RUNS = quick ? 3 : Math.max(RUNS, 7);

// An adapter's fatal lines quote its build output or stderr: through the output boundary like every command's.
const log = (line: string) => process.stderr.write(`bench: ${consoleLine(line)}\n`);

async function repeat(what: string, f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await f());
  log(`${what}: ${xs.map((x) => x.toFixed(1)).join(", ")} -> median ${median(xs).toFixed(1)}`);
  return median(xs);
}

function version(argv: string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch {
    return "not installed";
  }
}

async function main(): Promise<void> {
  const machine = {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    cargo: version(["cargo", "--version"]),
    go: version(["go", "version"]),
    cxx: version(["g++", "--version"]),
    load_average: os.loadavg().map((x) => x.toFixed(2)).join(" "),
    runs: RUNS,
  };
  // Every adapter that builds is measured; one that cannot is reported as every command reports it and left out.
  const fleet = await openFleet(ROOT, { adapters: [], execs: [], build: true, start: false, timeoutMs: 0, note: log });
  await Promise.all(fleet.map((a) => a.ready));
  for (const a of fleet) if (a.fatal) for (const line of fatalLines(a.name, a.command, a.fatal, PLAIN)) log(line);
  const targets = fleet.filter((a) => a.fatal === null).map((a) => a.target);
  const launches: Record<string, Launch> = Object.fromEntries(targets.map((t) => [t.name, t.launch]));
  const goldens = (await loadCorpus(path.join(ROOT, GOLDEN_DIR))).map((v) => v.golden);
  const vectorsDir = path.join(ROOT, GOLDEN_DIR);

  // a. The corpus: one persistent process against one process per scenario, both driven the same way by the
  // benchmark (so the runner's own cost is in neither), and the adapter's time inside the runner beside them.
  const corpus: Record<string, { persistent_ms: number; per_process_ms: number; ratio: number; in_runner_ms: number }> = {};
  for (const t of want("a") ? targets : []) {
    const persistent = await repeat(`${t.name} persistent (corpus, ms)`, () => adapterOwnTime(launches[t.name]!, goldens));
    const perProcess = await repeat(`${t.name} one process per scenario (corpus, ms)`, () => oneProcessPerScenario(launches[t.name]!, goldens));
    const inRunner = await repeat(`${t.name} inside the runner (corpus, ms)`, async () => {
      const r = await runnerReport(ROOT, ["--adapter", t.name, "--no-build"]);
      return r.adapters.find((a) => a.name === t.name)!.duration_ms;
    });
    corpus[t.name] = { persistent_ms: persistent, per_process_ms: perProcess, ratio: perProcess / persistent, in_runner_ms: inRunner };
  }

  // b. The runner's ceiling: tiny scenarios through an adapter that only replays answers.
  let ceiling: { scenarios: number; run_ms: number; per_second: number; command_ms: number } | null = null;
  if (want("b")) {
    const tinyDir = await mkdtemp(path.join(os.tmpdir(), "rsm-bench-tiny-"));
    try {
      const answers = await writeTinyCorpus(tinyDir, TINY);
      const exec = `node ${path.join(ROOT, "bench", "replay_adapter.mjs")} ${answers}`;
      let commandMs = 0;
      const runMs = await repeat(`runner ceiling (${TINY} tiny scenarios, ms)`, async () => {
        const r = await runnerReport(ROOT, ["--vectors", path.join(tinyDir, "golden"), "--exec", exec]);
        const a = r.adapters[0]!;
        if (a.counts.passed !== TINY) throw new Error(`replay adapter passed ${a.counts.passed} of ${TINY}`);
        commandMs = r.commandMs;
        return a.duration_ms;
      });
      ceiling = { scenarios: TINY, run_ms: runMs, per_second: (TINY / runMs) * 1000, command_ms: commandMs };
    } finally {
      await rm(tinyDir, { recursive: true, force: true });
    }
  }

  // c. The corpus through several adapters at once against the slowest one's own time. Both are measured
  // in the same rounds, since either drifts with the machine's state; C_RUNS rounds, as the ratio is noisy.
  const allAtOnce = async (names: string[]): Promise<AllAdapters> => {
    const own: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const run: number[] = [];
    const command: number[] = [];
    const together: number[] = [];
    for (let i = 0; i < C_RUNS; i++) {
      for (const n of names) own[n]!.push(await adapterOwnTime(launches[n]!, goldens));
      together.push(await adaptersAtOnce(names.map((n) => launches[n]!), goldens));
      const r = await runnerReport(ROOT, ["--no-build", ...names.flatMap((n) => ["--adapter", n])]);
      run.push(r.duration_ms);
      command.push(r.commandMs);
    }
    const ownMs = Object.fromEntries(names.map((n) => [n, median(own[n]!)]));
    const slowest = Object.entries(ownMs).sort((a, b) => b[1] - a[1])[0]!;
    const result = { adapters: names, runner_run_ms: median(run), runner_command_ms: median(command), slowest_adapter: slowest[0], slowest_own_ms: slowest[1], own_ms: ownMs, together_ms: median(together), runs: run };
    log(`${names.join("+")}: runner ${run.map((x) => x.toFixed(0)).join(", ")} -> median ${result.runner_run_ms.toFixed(0)} ms; ${slowest[0]} alone ${slowest[1].toFixed(0)} ms; all at once without a runner ${result.together_ms.toFixed(0)} ms`);
    return result;
  };
  const named = ["ts", "rust", "go"].filter((n) => n in launches);
  const allAdapters = want("c") ? { named: await allAtOnce(named), every: await allAtOnce(targets.map((t) => t.name)) } : null;

  // d. Scaling: 10^3..10^6 steps through the reference in-process and through every adapter.
  const scaling: Record<string, { steps: number; ms: number; peak_rss_mb: number }[]> = { reference: [] };
  for (const n of want("d") ? SCALES : []) {
    const ref = await scaleThroughReference(ROOT, n, RUNS);
    scaling.reference!.push({ steps: n, ms: ref.ms, peak_rss_mb: ref.peakMb });
    log(`reference ${n} steps: ${ref.ms.toFixed(0)} ms, ${ref.peakMb} MB`);
    for (const t of targets) {
      const r = await scaleThroughAdapter(ROOT, launches[t.name]!, n, RUNS, ref.digest);
      (scaling[t.name] ??= []).push({ steps: n, ms: r.ms, peak_rss_mb: r.peakMb });
      log(`${t.name} ${n} steps: ${r.ms.toFixed(0)} ms, ${r.peakMb} MB`);
    }
  }

  // e. Elections at scale (issue 24): section d's scenario at its largest size with an election every 10^4
  // steps, through the reference and every adapter that answers it (one without `elect` refuses it).
  const electing: Record<string, { steps: number; ms: number; peak_rss_mb: number } | { steps: number; not_run: string }> = {};
  if (want("e")) {
    const n = SCALES[SCALES.length - 1]!;
    const ref = await scaleThroughReference(ROOT, n, RUNS, BENCH_ELECT_EVERY);
    electing.reference = { steps: n, ms: ref.ms, peak_rss_mb: ref.peakMb };
    log(`reference ${n} steps, an election every ${BENCH_ELECT_EVERY}: ${ref.ms.toFixed(0)} ms, ${ref.peakMb} MB`);
    for (const t of targets) {
      try {
        const r = await scaleThroughAdapter(ROOT, launches[t.name]!, n, RUNS, ref.digest, BENCH_ELECT_EVERY);
        electing[t.name] = { steps: n, ms: r.ms, peak_rss_mb: r.peakMb };
        log(`${t.name} ${n} steps, an election every ${BENCH_ELECT_EVERY}: ${r.ms.toFixed(0)} ms, ${r.peakMb} MB`);
      } catch (err) {
        electing[t.name] = { steps: n, not_run: (err as Error).message };
        log(`${t.name}: not run with elections: ${(err as Error).message}`);
      }
    }
  }

  const results = { machine, corpus: { vectors: goldens.length, adapters: corpus }, ceiling, all_adapters: allAdapters, scaling, electing };
  if (ONLY !== "abcde" || ceiling === null || allAdapters === null) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  await writeFileAtomic(path.join(ROOT, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFileAtomic(path.join(ROOT, "bench", "results.md"), renderMarkdown({ ...results, ceiling, all_adapters: allAdapters }, vectorsDir));
  log("wrote bench/results.md and bench/results.json");
}

type AllAdapters = {
  adapters: string[];
  runner_run_ms: number;
  runner_command_ms: number;
  slowest_adapter: string;
  slowest_own_ms: number;
  own_ms: Record<string, number>;
  together_ms: number;
  runs: number[];
};

type Results = {
  machine: Record<string, string | number>;
  corpus: { vectors: number; adapters: Record<string, { persistent_ms: number; per_process_ms: number; ratio: number; in_runner_ms: number }> };
  ceiling: { scenarios: number; run_ms: number; per_second: number; command_ms: number };
  all_adapters: { named: AllAdapters; every: AllAdapters };
  scaling: Record<string, { steps: number; ms: number; peak_rss_mb: number }[]>;
  electing: Record<string, { steps: number; ms: number; peak_rss_mb: number } | { steps: number; not_run: string }>;
};

function renderMarkdown(r: Results, vectorsDir: string): string {
  const f = (n: number, d = 0) => n.toFixed(d);
  const yes = (ok: boolean) => (ok ? "met" : "**missed**");
  const lines: string[] = [];
  lines.push("# Benchmark results", "", "Written by `npm run bench` (bench/bench.ts); every figure is the median of the runs given below.", "");
  lines.push("## Machine", "", "| | |", "|---|---|");
  for (const [k, v] of Object.entries(r.machine)) lines.push(`| ${k} | ${v} |`);
  lines.push("", `## a. The corpus (${r.corpus.vectors} vectors in ${path.relative(ROOT, vectorsDir)}): persistent process vs one process per scenario`, "");
  lines.push("| adapter | persistent (ms) | one process per scenario (ms) | ratio | target >= 10x | inside the runner (ms) |", "|---|---:|---:|---:|---|---:|");
  for (const [name, c] of Object.entries(r.corpus.adapters)) lines.push(`| ${name} | ${f(c.persistent_ms)} | ${f(c.per_process_ms)} | ${f(c.ratio, 1)}x | ${yes(c.ratio >= 10)} | ${f(c.in_runner_ms)} |`);
  lines.push("", "Both modes are driven by the benchmark itself, and every answer is checked against its golden. Persistent: one process started, the whole corpus piped in, every reply read, shutdown (start-up included). One process per scenario: start, hello, one run, shutdown, for each vector in turn, the way a shell loop over a binary would run it. Inside the runner: the adapter's time in `npm run conformance -- --adapter NAME` as its JSON report gives it: from the runner's first use of the adapter to its shutdown, the corpus being read meanwhile (the process was started just before).");
  lines.push("", "## b. The runner's ceiling", "");
  lines.push(`${r.ceiling.scenarios} one-step scenarios through \`bench/replay_adapter.mjs\`, which only replays the golden answers: ${f(r.ceiling.run_ms)} ms, **${f(r.ceiling.per_second)} scenarios/s** (target >= 20,000: ${yes(r.ceiling.per_second >= 20_000)}). The time is the adapter's in the runner's JSON report, which includes reading, parsing and validating the ${r.ceiling.scenarios} golden files, since the runner reads them while the adapter runs. The whole command, with Node and tsx start-up and listing the files, took ${f(r.ceiling.command_ms)} ms.`);
  lines.push("", "## c. The corpus through several adapters at once", "");
  lines.push(`The runner's run (from the start of the command's work, with the adapters started and the corpus read while they start, to the last adapter's shutdown, as its JSON report gives it) and the whole command (Node and tsx start-up included) against the slowest adapter's own persistent time as in section a. Medians of ${C_RUNS} rounds, each measuring both; target: within 25% of the slowest adapter's own time, for the ts, rust and go adapters together.`, "");
  lines.push("| adapters | slowest, alone (ms) | all at once, no runner (ms) | runner's run (ms) | over | target | whole command (ms) | over |", "|---|---|---:|---:|---:|---|---:|---:|");
  const pct = (x: number, of: number) => `${f((x / of - 1) * 100)}%`;
  for (const a of [r.all_adapters.named, r.all_adapters.every]) {
    const over = a.runner_run_ms / a.slowest_own_ms - 1;
    lines.push(`| ${a.adapters.join(", ")} | ${a.slowest_adapter} ${f(a.slowest_own_ms)} | ${f(a.together_ms)} (${pct(a.together_ms, a.slowest_own_ms)}) | ${f(a.runner_run_ms)} | ${f(over * 100)}% | ${yes(over <= 0.25)} | ${f(a.runner_command_ms)} | ${pct(a.runner_command_ms, a.slowest_own_ms)} |`);
  }
  lines.push("", "All at once, no runner: the same adapters started together by the benchmark, each piped the whole corpus, replies drained unread; the part of the runner's time that comes from the adapters sharing two cores rather than from the runner.");
  lines.push("", `Every round of the runner: ${r.all_adapters.named.runs.map((x) => f(x)).join(", ")} ms (three adapters); ${r.all_adapters.every.runs.map((x) => f(x)).join(", ")} ms (all).`);
  lines.push("", "## d. Scaling (corpus/scaling.ts: mixed ops over 10^4 keys, 5 nodes, a partition change or crash/restart every 1,000 steps, a compaction of the leader or a follower every 20,000, a snapshot every 10,000)", "");
  lines.push("| implementation | steps | time (ms) | growth per 10x | peak RSS (MB) |", "|---|---:|---:|---:|---:|");
  for (const [name, rows] of Object.entries(r.scaling)) {
    rows.forEach((row, i) => {
      const growth = i === 0 ? "" : `${f(row.ms / rows[i - 1]!.ms, 1)}x`;
      lines.push(`| ${name} | ${row.steps.toLocaleString("en-US")} | ${f(row.ms)} | ${growth} | ${row.peak_rss_mb} |`);
    });
  }
  lines.push("", "Reference: in-process, in a child process of its own (time of `runScenario` only; peak RSS of that process, scenario included). Adapters: from sending the run request to receiving the result (the scenario's JSON parsing and the result's encoding included); peak RSS is the adapter process's VmHWM. Every adapter's snapshots are checked against the reference's.");
  lines.push("", "Targets at 10^6 steps: Rust and Go under 2 s, the TypeScript reference under 10 s, each under 1 GiB; growth per 10x at most 12x.", "");
  for (const [name, rows] of Object.entries(r.scaling)) {
    const top = rows[rows.length - 1]!;
    const growth = Math.max(...rows.slice(1).map((row, i) => row.ms / rows[i]!.ms));
    const limit = name === "rust" || name === "go" || name === "cpp" ? 2000 : name === "reference" ? 10_000 : null;
    const time = limit === null ? "no time target" : `time ${yes(top.ms < limit)}`;
    lines.push(`- ${name}: ${time}, memory ${yes(top.peak_rss_mb < 1024)}, worst growth ${f(growth, 1)}x (${yes(growth <= 12)})`);
  }
  lines.push("", `## e. Elections at scale (section d's scenario with an election every ${BENCH_ELECT_EVERY.toLocaleString("en-US")} steps, of each node in turn)`, "");
  lines.push("| implementation | steps | time (ms) | peak RSS (MB) | time target | memory < 1 GiB |", "|---|---:|---:|---:|---|---|");
  for (const [name, row] of Object.entries(r.electing)) {
    const limit = name === "rust" || name === "go" || name === "cpp" ? 2000 : name === "reference" ? 10_000 : null;
    if ("not_run" in row) lines.push(`| ${name} | ${row.steps.toLocaleString("en-US")} | not run: ${row.not_run.slice(0, 120)} | | | |`);
    else lines.push(`| ${name} | ${row.steps.toLocaleString("en-US")} | ${f(row.ms)} | ${row.peak_rss_mb} | ${limit === null ? "none" : yes(row.ms < limit)} | ${yes(row.peak_rss_mb < 1024)} |`);
  }
  return `${lines.join("\n")}\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${consoleLine((err as Error).message)}\n`);
  process.exitCode = 1;
});
