// `rsm report merge`: the reports of a CI matrix (adapters x shards) joined into one run, judged by the same
// exit-code rules as a single run. Reports that cannot be parts of one run are refused, each problem one
// line naming the files: another kit version, another corpus, another selection, another --strict; and per
// adapter a shard that is missing or given twice, since either would make a verdict over less (or more)
// than the selection look like the whole; and a report whose results are not those of the selection and
// shard it says it ran (a leg run with another --shard, or a report edited), which would do the same.
import { InvalidInput } from "../../common/errors.js";
import type { ConformanceReport, Part, Shard } from "../../reference/types/report.gen.js";
import { exitCode, type AdapterReport } from "../model.js";
import { isCheckName } from "../checks/index.js";
import { DECODE_TOPIC } from "../../corpus/decode_vectors.js";
import { shardOf } from "../select.js";
import { withRanking } from "../diagnosis/run_ranking.js";
import { runOf } from "./read.js";
import type { RunReport } from "./run_report.js";

export interface ReportFile {
  /** As the user gave it: every message names it so. */
  readonly file: string;
  readonly report: ConformanceReport;
}

const shardText = (s: Shard | null | undefined) => (s ? `shard ${s.index}/${s.count}` : "the whole selection");

/** Fields every report must have for merging, and must agree on. */
function sameRun(inputs: readonly ReportFile[]): string[] {
  const problems: string[] = [];
  for (const { file, report } of inputs) {
    for (const field of ["kit", "corpus_sha256", "shard", "selection"] as const) {
      if (report[field] === undefined) problems.push(`${file} ${field}: missing; expected a report written by rsm conformance --reporter json of this kit (older reports lack the run's metadata and cannot be merged)`);
    }
  }
  if (problems.length > 0) return problems;
  const first = inputs[0]!;
  const agree = (what: string, of: (r: ConformanceReport) => unknown, hint: string) => {
    const want = JSON.stringify(of(first.report));
    for (const other of inputs.slice(1)) {
      const got = JSON.stringify(of(other.report));
      if (got !== want) problems.push(`${other.file} ${what}: ${got}, but ${first.file} has ${want}; ${hint}`);
    }
  };
  agree("kit.version", (r) => r.kit!.version, "merge only reports of one kit version (pin the kit in every job of the matrix)");
  agree("corpus_sha256", (r) => r.corpus_sha256, "merge only reports of one corpus (every job must run the same vectors)");
  agree("selection", (r) => r.selection, "merge only shards of one selection (the same --filter, --tag, --name, --skip, --vectors in every job)");
  agree("strict", (r) => r.strict, "merge only reports run with the same --strict or --no-strict");
  const counts = new Set(inputs.map((i) => i.report.shard?.count ?? 0));
  if (counts.size > 1) problems.push(`${inputs.map((i) => `${i.file}: ${shardText(i.report.shard)}`).join(", ")}; expected every report to be a shard of one --shard I/N, or every report to run the whole selection`);
  return problems;
}

/** Per adapter: each shard exactly once (or the whole selection exactly once). */
function shardProblems(inputs: readonly ReportFile[]): string[] {
  const byAdapter = new Map<string, ReportFile[]>();
  for (const i of inputs) for (const a of i.report.adapters) byAdapter.set(a.name, [...(byAdapter.get(a.name) ?? []), i]);
  const problems: string[] = [];
  for (const [name, parts] of byAdapter) {
    const count = parts[0]!.report.shard?.count ?? null;
    if (count === null) {
      if (parts.length > 1) problems.push(`adapter ${name}: in ${parts.map((p) => p.file).join(" and ")}, each a run of the whole selection; expected each adapter's results in one report, or in one report per shard`);
      continue;
    }
    const at = new Map<number, string>();
    for (const p of parts) {
      const index = p.report.shard!.index;
      const earlier = at.get(index);
      if (earlier !== undefined) problems.push(`adapter ${name}: shard ${index}/${count} in both ${earlier} and ${p.file}; expected each shard once`);
      else at.set(index, p.file);
    }
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !at.has(k));
    if (missing.length > 0) {
      const have = [...at].sort((x, y) => x[0] - y[0]).map(([k, f]) => `${k}/${count} in ${f}`).join(", ");
      problems.push(`adapter ${name}: shard${missing.length > 1 ? "s" : ""} ${missing.map((k) => `${k}/${count}`).join(", ")} missing (have ${have}); expected all ${count} shards`);
    }
  }
  return problems;
}

/** Problems said per report at most: a report of another shard would give one per scenario. */
const MAX_SELECTION_PROBLEMS = 5;

/**
 * Each report's results against the selection it says it ran: under --shard I/N every scenario and result is
 * of shard I (as runner/select.ts assigns them, by name), the checks beyond the corpus only on shard 1 (where
 * they run); and every result of a scenario is of one the report lists as selected (decode vectors and the decode
 * matrix's cells are not listed there).
 */
function selectionProblems(inputs: readonly ReportFile[]): string[] {
  const problems: string[] = [];
  for (const { file, report } of inputs) {
    const own: string[] = [];
    const shard = report.shard ?? null;
    const selected = new Set((report.scenarios ?? []).map((s) => s.name));
    const outside = (name: string) => (shard === null || shardOf(name, shard.count) === shard.index ? null : shardOf(name, shard.count));
    for (const name of selected) {
      const other = outside(name);
      if (other !== null) own.push(`${file} scenarios: ${JSON.stringify(name)} is of shard ${other}/${shard!.count}, not ${shard!.index}/${shard!.count}; expected only the scenarios of the shard the report says it ran`);
    }
    for (const a of report.adapters) {
      for (const r of a.results) {
        if (isCheckName(r.name)) {
          if (shard !== null && shard.index !== 1) own.push(`${file} adapter ${JSON.stringify(a.name)}: a result of the check ${JSON.stringify(r.name)} in shard ${shard.index}/${shard.count}; expected the checks beyond the corpus on shard 1 only, where they run`);
          continue;
        }
        const other = outside(r.name);
        if (other !== null) own.push(`${file} adapter ${JSON.stringify(a.name)}: a result of ${JSON.stringify(r.name)}, which is of shard ${other}/${shard!.count}, not ${shard!.index}/${shard!.count}; expected results of the report's own shard (was the leg run with another --shard?)`);
        else if (selected.size > 0 && !r.name.startsWith(`${DECODE_TOPIC}/`) && !selected.has(r.name)) {
          own.push(`${file} adapter ${JSON.stringify(a.name)}: a result of ${JSON.stringify(r.name)}, which is not among the report's selected scenarios; expected results of its own selection only`);
        }
      }
    }
    problems.push(...own.slice(0, MAX_SELECTION_PROBLEMS));
    if (own.length > MAX_SELECTION_PROBLEMS) problems.push(`${file}: ${own.length - MAX_SELECTION_PROBLEMS} more such problems`);
  }
  return problems;
}

/** The adapter's parts, shard by shard, as one adapter: results in name order, counts and times summed. */
function mergeAdapter(parts: readonly AdapterReport[], where: readonly string[]): AdapterReport | string {
  const seen = new Map<string, string>();
  for (const [k, p] of parts.entries()) {
    for (const r of p.results) {
      const earlier = seen.get(r.name);
      if (earlier !== undefined) return `adapter ${p.name}: scenario ${r.name} in both ${earlier} and ${where[k]}; expected the shards to be disjoint (are they of one --shard N?)`;
      seen.set(r.name, where[k]!);
    }
  }
  const first = parts[0]!;
  return {
    name: first.name,
    command: first.command,
    hello: parts.find((p) => p.hello !== null)?.hello ?? null,
    // Reported once, as a single run does: the first part that could not run names why.
    fatal: parts.find((p) => p.fatal !== null)?.fatal ?? null,
    results: parts.flatMap((p) => p.results).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    notRun: parts.reduce((n, p) => n + p.notRun, 0),
    durationMs: parts.reduce((n, p) => n + p.durationMs, 0),
    built: parts.some((p) => p.built),
  };
}

function part(i: ReportFile): Part {
  const r = i.report;
  return { file: i.file, shard: r.shard ?? null, started_at: r.started_at, duration_ms: r.duration_ms, adapters: r.adapters.map((a) => a.name), machine: r.machine ?? null };
}

/** Merges the reports into one run, or throws InvalidInput with every reason it cannot. */
export function mergeReports(inputs: readonly ReportFile[]): RunReport {
  if (inputs.length === 0) throw new InvalidInput(["report merge: expected at least one report file"]);
  const problems = sameRun(inputs);
  if (problems.length === 0) problems.push(...selectionProblems(inputs));
  if (problems.length === 0) problems.push(...shardProblems(inputs));
  if (problems.length > 0) throw new InvalidInput(problems);

  const runs = inputs.map((i) => runOf(i.report));
  const order: string[] = [];
  const parts = new Map<string, { adapters: AdapterReport[]; files: string[] }>();
  runs.forEach((run, k) => {
    for (const a of run.adapters) {
      if (!parts.has(a.name)) order.push(a.name);
      const p = parts.get(a.name) ?? { adapters: [], files: [] };
      p.adapters.push(a);
      p.files.push(inputs[k]!.file);
      parts.set(a.name, p);
    }
  });
  const adapters: AdapterReport[] = [];
  for (const name of order) {
    const p = parts.get(name)!;
    const merged = mergeAdapter(p.adapters, p.files);
    if (typeof merged === "string") problems.push(merged);
    // Re-ranked from the merged results: a rule's score weighs every vector of the run, so the shards'
    // rankings cannot simply be joined.
    else adapters.push(withRanking(merged));
  }
  if (problems.length > 0) throw new InvalidInput(problems);

  // Selected: each shard's count once (every adapter of a shard ran the same selection).
  const selectedByShard = new Map<number, number>();
  for (const i of inputs) selectedByShard.set(i.report.shard?.index ?? 0, i.report.selected);
  const starts = inputs.map((i) => Date.parse(i.report.started_at));
  const start = Math.min(...starts);
  const end = Math.max(...inputs.map((i, k) => starts[k]! + i.report.duration_ms));
  const scenarios = new Map(inputs.flatMap((i) => i.report.scenarios ?? []).map((s) => [s.name, s]));
  const first = inputs[0]!.report;
  const strict = first.strict;
  return {
    adapters,
    selected: [...selectedByShard.values()].reduce((n, s) => n + s, 0),
    corpus: first.corpus,
    // Wall time of the matrix: from the first part's start to the last part's end.
    durationMs: Number.isFinite(end - start) ? end - start : Math.max(...inputs.map((i) => i.report.duration_ms)),
    strict,
    exitCode: exitCode(adapters, strict),
    startedAt: Number.isFinite(start) ? new Date(start).toISOString() : first.started_at,
    checks: [...new Set(inputs.flatMap((i) => i.report.checks ?? []))],
    ...(first.without_golden && { withoutGolden: first.without_golden }),
    meta: {
      kit: first.kit!,
      corpus_sha256: first.corpus_sha256!,
      shard: null,
      selection: first.selection!,
      scenarios: [...scenarios.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      parts: inputs.map(part),
    },
  };
}
