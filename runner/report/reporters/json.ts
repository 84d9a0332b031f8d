// `--reporter json`: the run as one JSON document, described by schema/report.schema.json. Field names are
// snake_case like every wire format of the kit.
import type { Diagnosis } from "../../diagnosis/diagnose.js";
import { countsOf, type AdapterReport, type ScenarioResult } from "../../model.js";
import type { ConformanceReport } from "../../../reference/types/report.gen.js";
import type { RunReport } from "../run_report.js";
import { json } from "../../../common/escape.js";

export const REPORT_FORMAT = 1;

/** A duration as the JSON report keeps it: ms to three decimals. */
export const ms = (n: number) => Math.round(n * 1000) / 1000;

function diagnosisJson(d: Diagnosis) {
  return {
    snapshot: d.snapshot,
    offset: d.offset,
    field: d.field,
    field_rule: d.fieldRule,
    divergence: d.divergence && { step: d.divergence.step, op: d.divergence.op, nodes: d.divergence.nodes },
    trace_note: d.traceNote,
    rules: d.rules,
    ...(d.evidence && { evidence: [...d.evidence] }),
    hints: d.hints,
    crc_self_consistent: d.crcSelfConsistent,
    decode_error: d.decodeError,
    diff: d.diff,
    expected_hex: d.expectedHex,
    actual_hex: d.actualHex,
  };
}

function resultJson(r: ScenarioResult) {
  return {
    name: r.name,
    file: r.file,
    source: r.source,
    status: r.status,
    expected_failure: r.expectedFailure,
    ...(r.evidence && { evidence: [...r.evidence] }),
    ...(r.vector && { vector: { rules: [...r.vector.rules], ...(r.vector.features && { features: [...r.vector.features] }), ...(r.vector.keys !== undefined && { keys: r.vector.keys }) } }),
    duration_ms: ms(r.durationMs),
    reason: r.reason,
    stderr_tail: r.stderrTail,
    restarted: r.restarted,
    diagnosis: r.diagnosis && diagnosisJson(r.diagnosis),
    bins: r.bins ?? null,
    ...(r.kind && { kind: r.kind }),
    ...(r.answers && { answers: [r.answers[0], r.answers[1]] as [string, string] }),
    ...(r.note && { note: r.note }),
  };
}

function adapterJson(a: AdapterReport) {
  const c = countsOf(a);
  return {
    name: a.name,
    command: a.command,
    hello: a.hello,
    built: a.built,
    fatal: a.fatal,
    counts: { passed: c.passed, failed: c.failed, errored: c.errored, skipped: c.skipped, expected: c.expected, unexpected_passes: c.unexpectedPasses, not_run: c.notRun },
    duration_ms: ms(a.durationMs),
    results: a.results.map(resultJson),
    ...(a.ranking && {
      ranking: a.ranking.rules.map((r) => ({ id: r.id, score: r.score, failing: r.failing, declaring: r.declaring, failing_others: r.failingOthers, others: r.others, line: r.line })),
      findings: a.ranking.findings.map((f) => ({ rule: f.rule, line: f.line })),
    }),
  };
}

/** Typed by the type generated from schema/report.schema.json, so the two cannot drift. */
export function reportJson(run: RunReport): ConformanceReport {
  return {
    format: REPORT_FORMAT,
    started_at: run.startedAt,
    duration_ms: ms(run.durationMs),
    exit_code: run.exitCode,
    strict: run.strict,
    corpus: run.corpus,
    selected: run.selected,
    adapters: run.adapters.map(adapterJson),
    ...run.meta,
    ...(run.checks && { checks: [...run.checks] }),
    ...(run.withoutGolden && { without_golden: [...run.withoutGolden] }),
  };
}

/** The report as JSON text (json(): the same document, and safe to print on a terminal or an Actions log). */
export function renderJson(run: RunReport): string {
  return `${json(reportJson(run), 2)}\n`;
}
