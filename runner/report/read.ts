// Reading a JSON report back (rsm report merge, html, diff): checked against schema/report.schema.json, each
// problem one line naming the file, the JSON path and what was expected, then turned back into the run the
// reporters render, so a merged report is rendered by the same code as a single run.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { formatPath, pointerSegments, type Step } from "../../reference/index.js";
import { SCHEMA_DOCUMENTS, addKitKeywords } from "../../reference/schemas.js";
import type { ConformanceReport, Diagnosis as DiagnosisJson, Result } from "../../reference/types/report.gen.js";
import report from "../../schema/report.schema.json" with { type: "json" };
import { InvalidInput } from "../../common/errors.js";
import { REPORT_FILE, readInputText } from "../../common/read_file.js";
import type { Diagnosis } from "../diagnosis/diagnose.js";
import type { AdapterReport, ScenarioResult } from "../model.js";
import type { RunReport } from "./run_report.js";
import { MAX_REPORT_DEPTH, nestedTooDeep } from "./depth.js";

let validate: ValidateFunction | undefined;

/** Compiled on first use only: the conformance command never reads a report back. */
function reportValidator(): ValidateFunction {
  if (validate) return validate;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, discriminator: true });
  addKitKeywords(ajv);
  for (const doc of Object.values(SCHEMA_DOCUMENTS)) ajv.addSchema(doc);
  validate = ajv.compile(report);
  return validate;
}

/** At most this many schema problems per file: a file that is no report at all would give hundreds. */
const MAX_PROBLEMS = 5;

/** The problems of `document` against the report schema, one line each; empty when it is a report. */
export function reportProblems(document: unknown, file: string): string[] {
  const v = reportValidator();
  if (v(document)) return [];
  // The deepest paths first: "adapters[0].results[3].status" says more than "adapters[0]".
  const errors = [...(v.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const e of errors) {
    const where = formatPath(pointerSegments(e.instancePath));
    const allowed = e.keyword === "enum" || e.keyword === "const" ? ` ${JSON.stringify((e.params as { allowedValues?: unknown; allowedValue?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)}` : "";
    const line = `${file} ${where}: ${e.message}${allowed} (schema/report.schema.json)`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
    if (lines.length === MAX_PROBLEMS) break;
  }
  return lines;
}

/**
 * Reads and checks one report file (`-`: standard input); a file that cannot be read (missing, no regular
 * file, over the limit: common/read_file.ts), is not JSON or is no report is invalid input.
 */
export async function readReport(file: string): Promise<ConformanceReport> {
  const text = await readInputText(file, REPORT_FILE, { stdin: true });
  const deep = nestedTooDeep(text, MAX_REPORT_DEPTH);
  if (deep !== null) {
    throw new InvalidInput([`${file}: JSON nested more than ${MAX_REPORT_DEPTH} levels deep (at character ${deep}); expected a report of rsm conformance --reporter json, which nests about ten`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new InvalidInput([`${file}: not JSON (${(err as Error).message}); expected a report of rsm conformance --reporter json`]);
  }
  const problems = reportProblems(document, file);
  if (problems.length > 0) throw new InvalidInput(problems);
  return document as ConformanceReport;
}

function diagnosisOf(d: DiagnosisJson): Diagnosis {
  return {
    snapshot: d.snapshot,
    offset: d.offset,
    field: d.field,
    fieldRule: d.field_rule,
    divergence: d.divergence && { step: d.divergence.step, op: d.divergence.op as Step, nodes: d.divergence.nodes },
    traceNote: d.trace_note,
    rules: d.rules,
    ...(d.evidence && { evidence: d.evidence }),
    hints: d.hints ?? [],
    crcSelfConsistent: d.crc_self_consistent,
    decodeError: d.decode_error,
    diff: d.diff,
    expectedHex: d.expected_hex,
    actualHex: d.actual_hex,
  };
}

function resultOf(r: Result): ScenarioResult {
  return {
    name: r.name,
    file: r.file,
    source: r.source,
    status: r.status,
    expectedFailure: r.expected_failure,
    ...(r.vector && { vector: r.vector }),
    ...(r.evidence && { evidence: r.evidence }),
    durationMs: r.duration_ms,
    reason: r.reason,
    stderrTail: r.stderr_tail,
    restarted: r.restarted,
    diagnosis: r.diagnosis && diagnosisOf(r.diagnosis),
    ...(r.bins && { bins: r.bins }),
    ...(r.kind && { kind: r.kind }),
    ...(r.answers && { answers: [r.answers[0], r.answers[1]] as const }),
    ...(r.note && { note: r.note }),
  };
}

/** The run a report describes, as the reporters take it: the inverse of reportJson. */
export function runOf(report: ConformanceReport): RunReport {
  const adapters: AdapterReport[] = report.adapters.map((a) => ({
    name: a.name,
    command: a.command,
    hello: a.hello as AdapterReport["hello"],
    fatal: a.fatal,
    results: a.results.map(resultOf),
    notRun: a.counts.not_run,
    durationMs: a.duration_ms,
    built: a.built,
    ...(a.ranking && {
      ranking: {
        rules: a.ranking.map((r) => ({ id: r.id, score: r.score, failing: r.failing, declaring: r.declaring, failingOthers: r.failing_others, others: r.others, line: r.line })),
        findings: a.findings ?? [],
      },
    }),
  }));
  const { kit, corpus_sha256, shard, selection, machine, scenarios, parts } = report;
  const meta = Object.fromEntries(Object.entries({ kit, corpus_sha256, shard, selection, machine, scenarios, parts }).filter(([, v]) => v !== undefined));
  return {
    adapters,
    selected: report.selected,
    corpus: report.corpus,
    durationMs: report.duration_ms,
    strict: report.strict,
    exitCode: report.exit_code,
    startedAt: report.started_at,
    ...(report.checks && { checks: report.checks }),
    ...(report.without_golden && { withoutGolden: report.without_golden }),
    meta,
  };
}
