// The default report: a per-adapter summary table, then every failure and error in detail (where, why,
// the decoded diff), then one verdict line. Written for a porter who wants the bug, not a hex dump.
// Every string of the run may be a port's (its name, messages, stderr) or a report file's (`rsm report
// merge`): each goes through terminal() (common/escape.ts) as it is placed, so no line of it can command the
// terminal, hide the verdict or forge one.
import { shown, type Step } from "../../../reference/index.js";
import { ruleSummary } from "../../../common/spec_rules.js";
import type { Diagnosis } from "../../diagnosis/diagnose.js";
import { countsOf, isUnexpectedProblem, type AdapterFatal, type AdapterReport, type ScenarioResult } from "../../model.js";
import type { RunReport } from "../run_report.js";
import { seconds, type Style } from "./style.js";
import { terminal as t, terminalLines } from "../../../common/escape.js";
import { DECODE_TOPIC } from "../../../corpus/decode_vectors.js";
import { PRODUCED_BY } from "../../checks/decode.js";
import { topRules } from "../../diagnosis/run_ranking.js";

/** A step as one line of JSON with everything but printable ASCII escaped, cut if a value is huge. */
export function stepJson(step: Step, max = 160): string {
  return shown(
    JSON.stringify(step).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    max,
  );
}

/** Appends without spreading into arguments, which overflows the stack for a list of some 100,000 lines. */
function append(to: string[], lines: readonly string[]): void {
  for (const l of lines) to.push(l);
}

/** Untrusted text of several lines, each escaped and indented (so none can stand where a verdict stands). */
function indent(text: string, prefix: string): string[] {
  return terminalLines(text).map((l) => `${prefix}${l}`);
}

/** Each id with SPEC.md's one-line summary of it; an id SPEC.md does not index is printed bare. */
function ruleList(rules: readonly string[]): string {
  return rules
    .map((r) => {
      const summary = ruleSummary(r);
      return summary ? `${t(r)} (${summary})` : t(r);
    })
    .join(", ");
}

export function diagnosisLines(d: Diagnosis, style: Style): string[] {
  const lines: string[] = [];
  if (d.divergence) {
    const nodes = d.divergence.nodes;
    lines.push(`first divergence: step ${d.divergence.step} ${stepJson(d.divergence.op)} on node${nodes.length > 1 ? "s" : ""} ${nodeRanges(nodes)}`);
  } else {
    lines.push(`first divergence: not found; ${t(d.traceNote ?? "no trace")}`);
  }
  const field = d.field === null ? "past the end of the expected snapshot" : `in ${t(d.field)}${d.fieldRule ? ` (${t(d.fieldRule)})` : ""}`;
  lines.push(`snapshot of step ${d.snapshot.step} node ${d.snapshot.node} differs at byte ${d.offset}, ${field}`);
  lines.push(`likely rules: ${ruleList(d.rules)}`);
  for (const h of d.hints) lines.push(`hint: ${t(h)}`);
  lines.push(
    d.crcSelfConsistent === null
      ? `actual snapshot does not decode: ${t(d.decodeError ?? "")}`
      : `actual crc is self-consistent: ${d.crcSelfConsistent ? "yes" : "no (its CRC-32C does not match its own bytes, R-WIRE-7)"}`,
  );
  for (const l of d.diff.map(t)) lines.push(l.startsWith("-") ? style.red(l) : l.startsWith("+") ? style.green(l) : style.dim(l));
  return lines;
}

/** A nondeterministic verdict's two answers (R-PROTO-11), unescaped: each sink escapes them its own way. */
export function answerLines(r: ScenarioResult): string[] {
  return r.answers ? ["asked twice, it answered:", ...r.answers.map((a) => `  ${a}`)] : [];
}

function resultLines(adapter: string, r: ScenarioResult, style: Style): string[] {
  const label = r.status === "failed" ? style.red(style.bold("FAIL")) : style.red(style.bold("ERROR"));
  const lines = [`${label} ${t(adapter)} ${t(r.name)}  (${t(r.source)})`];
  const body: string[] = [];
  if (r.diagnosis) append(body, diagnosisLines(r.diagnosis, style));
  else if (r.reason) body.push(t(r.reason));
  append(body, answerLines(r).map(t));
  if (r.stderrTail) {
    body.push("adapter stderr (tail):");
    append(body, indent(r.stderrTail, "  | "));
  }
  if (r.restarted) body.push(style.dim("the adapter was restarted for the next scenario"));
  if (r.bins) body.push(`bytes: ${t(r.bins.expected)}`, `       ${t(r.bins.actual)}`);
  return [...lines, ...body.map((l) => `  ${l}`)];
}

/** Ascending node ids with runs written as ranges: "1-3, 5" (a divergence on 255 nodes is one short line). */
export function nodeRanges(nodes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    let j = i;
    while (j + 1 < nodes.length && nodes[j + 1] === nodes[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${nodes[i]}-${nodes[j]}` : j > i ? `${nodes[i]}, ${nodes[j]}` : `${nodes[i]}`);
    i = j;
  }
  return parts.join(", ");
}

function table(adapters: readonly AdapterReport[]): string[] {
  const header = ["adapter", "passed", "failed", "errored", "skipped", "expected", "not run", "time", ""];
  const rows = adapters.map((a) => {
    const c = countsOf(a);
    const note = a.fatal ? `${a.fatal.optional ? "not run" : "FATAL"}: ${t(a.fatal.message.split("\n")[0]!)}` : "";
    if (a.fatal && a.results.length === 0) return [t(a.name), "-", "-", "-", "-", "-", String(c.notRun), seconds(a.durationMs), note];
    return [t(a.name), ...[c.passed, c.failed, c.errored, c.skipped, c.expected, c.notRun].map(String), seconds(a.durationMs), note];
  });
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  const fmt = (r: string[]) => r.map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(i === r.length - 1 ? 0 : widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

function skippedLines(a: AdapterReport, style: Style): string[] {
  const byReason = new Map<string, string[]>();
  for (const r of a.results) if (r.status === "skipped") byReason.set(r.reason ?? "", [...(byReason.get(r.reason ?? "") ?? []), r.name]);
  return [...byReason].map(([reason, names]) => {
    const some = names.slice(0, 3).map(t).join(", ") + (names.length > 3 ? ", ..." : "");
    return `${style.yellow("SKIP")} ${t(a.name)} (${names.length} scenario${names.length > 1 ? "s" : ""}: ${some}): ${t(reason)}`;
  });
}

/** An adapter that could not run (all or some of its scenarios), as every command reports it. */
export function fatalLines(name: string, command: string, f: AdapterFatal, style: Style): string[] {
  const head = f.optional ? style.yellow("NOT RUN") : style.red(style.bold("ADAPTER"));
  const lines = [`${head} ${t(name)}: ${t(f.message)}`, `  command: ${t(command)}`];
  if (f.output) {
    lines.push(`  ${f.kind === "build" || f.kind === "toolchain" ? "build output" : "adapter stderr"} (tail):`);
    append(lines, indent(f.output, "    | "));
  }
  return lines;
}

/**
 * The rules the whole run points at, once per adapter above its failures: which rules the failing vectors
 * declare and the passing ones do not, each with its evidence in one line, then the run-level findings.
 * Only for an adapter with a failure to explain.
 */
export function rankingLines(a: AdapterReport): string[] {
  if (!a.results.some(isUnexpectedProblem)) return [];
  const top = topRules(a);
  const findings = a.ranking?.findings ?? [];
  if (top.length === 0 && findings.length === 0) return [];
  const lines = [`most likely broken rules for ${t(a.name)}, ranked across its vectors (which fail, which pass):`];
  top.forEach((r, k) => {
    const summary = ruleSummary(r.id);
    lines.push(`  ${k + 1}. ${t(r.line)}${summary ? ` (${r.id}: ${summary})` : ""}`);
  });
  for (const f of findings) lines.push(`  finding: ${t(f.line)}`);
  return lines;
}

export function renderHuman(run: RunReport, style: Style): string {
  const out: string[] = [...table(run.adapters), ""];
  for (const a of run.adapters) {
    if (a.fatal) append(out, [...fatalLines(a.name, a.command, a.fatal, style), ""]);
    const ranking = rankingLines(a);
    if (ranking.length > 0) append(out, [style.bold(ranking[0]!), ...ranking.slice(1), ""]);
    for (const r of a.results) {
      if ((r.status === "failed" || r.status === "error") && !r.expectedFailure) append(out, [...resultLines(a.name, r, style), ""]);
    }
    append(out, skippedLines(a, style));
    // Passes that needed a second try with more time: not failures, but a porter (or a CI owner) should know.
    for (const r of a.results) if (r.status === "passed" && r.note) out.push(`${style.yellow("NOTE")} ${t(a.name)} ${t(r.name)}: ${t(r.note)}`);
    for (const r of a.results) {
      if (r.expectedFailure && r.status !== "passed" && r.status !== "skipped") out.push(`${style.dim("EXPECTED")} ${t(a.name)} ${t(r.name)}: ${t(r.status)} as listed in --expected-failures (${t(r.reason ?? "")})`);
      if (r.expectedFailure && r.status === "passed") {
        out.push(`${run.strict ? style.red("UNEXPECTED PASS") : style.yellow("UNEXPECTED PASS")} ${t(a.name)} ${t(r.name)}: listed in --expected-failures but passes; remove it from the list`);
      }
    }
  }
  if (out.at(-1) !== "") out.push("");
  append(out, matrixLines(run, style));
  out.push(verdict(run, style));
  return `${out.join("\n")}\n`;
}


/**
 * The decode matrix (runner/checks/decode.ts): a row per producer, a column per consumer that decodes, each
 * cell whether the consumer agrees with the reference on every snapshot the producer wrote. Nothing when the
 * run had no cells.
 */
function matrixLines(run: RunReport, style: Style): string[] {
  const consumers = run.adapters.filter((a) => a.results.some((r) => r.name.startsWith(PRODUCED_BY)));
  if (consumers.length === 0) return [];
  const producers = [...new Set(consumers.flatMap((a) => a.results.filter((r) => r.name.startsWith(PRODUCED_BY)).map((r) => t(r.name.slice(PRODUCED_BY.length)))))];
  const first = Math.max("producer \\ consumer".length, ...producers.map((p) => p.length));
  const widths = consumers.map((c) => Math.max(t(c.name).length, 6));
  const row = (head: string, cells: string[], shown: string[] = cells) => [head.padEnd(first), ...cells.map((c, i) => shown[i]! + " ".repeat(Math.max(0, widths[i]! - c.length)))].join("  ").trimEnd();
  const lines = ["decode matrix (producer -> consumer: the consumer agrees with the reference on every snapshot the producer wrote)", row("producer \\ consumer", consumers.map((c) => t(c.name)))];
  for (const p of producers) {
    const cells = consumers.map((c) => t(c.results.find((r) => t(r.name) === `${PRODUCED_BY}${p}`)?.status ?? "-"));
    const words = cells.map((s) => (s === "passed" ? "ok" : s === "failed" ? "FAIL" : s === "error" ? "ERROR" : s));
    lines.push(row(p, words, words.map((w) => (w === "ok" ? style.green(w) : w === "FAIL" || w === "ERROR" ? style.red(w) : w))));
  }
  return [...lines, ""];
}

export function verdict(run: RunReport, style: Style): string {
  const totals = { passed: 0, failed: 0, errored: 0, skipped: 0, expected: 0, unexpectedPasses: 0, notRun: 0 };
  for (const a of run.adapters) for (const [k, v] of Object.entries(countsOf(a))) totals[k as keyof typeof totals] += v;
  const parts = [`${totals.passed} passed`, `${totals.failed} failed`, `${totals.errored} errored`];
  if (totals.skipped) parts.push(`${totals.skipped} skipped`);
  if (totals.expected) parts.push(`${totals.expected} expected failures`);
  if (totals.unexpectedPasses) parts.push(`${totals.unexpectedPasses} unexpectedly passed`);
  if (totals.notRun) parts.push(`${totals.notRun} not run`);
  const broken = run.adapters.filter((a) => a.fatal && !a.fatal.optional).map((a) => t(a.name));
  if (broken.length) parts.push(`adapter problem: ${broken.join(", ")}`);
  const checks = run.checks?.length ? ` and the checks (${run.checks.map(t).join(", ")})` : "";
  const missing = run.withoutGolden ?? [];
  const note = missing.length === 0 ? "" : `; ${missing.length} scenario${missing.length === 1 ? "" : "s"} without a golden (${t(missing[0]!)}${missing.length > 1 ? ", ..." : ""}; run npm run vectors)`;
  const decodeVectors = new Set(run.adapters.flatMap((a) => a.results.filter((r) => r.name.startsWith(`${DECODE_TOPIC}/`) && !r.name.startsWith(PRODUCED_BY)).map((r) => r.name))).size;
  const decode = decodeVectors > 0 ? `, ${decodeVectors} decode vector${decodeVectors === 1 ? "" : "s"}` : "";
  const summary = `${parts.join(", ")}; ${run.selected} scenario${run.selected === 1 ? "" : "s"}${decode}${checks} x ${run.adapters.length} adapter${run.adapters.length === 1 ? "" : "s"} in ${seconds(run.durationMs)}${note}`;
  if (run.exitCode !== 0) return `${style.red(style.bold("FAILED"))} ${summary}`;
  // Skips pass a run, but a port that lacks features is not the whole of SPEC.md: say which it lacks.
  const lacking = run.adapters.flatMap((a) => {
    const features = new Set<string>();
    for (const r of a.results) if (r.status === "skipped") for (const f of /needs feature ([\w, ]+?), which/.exec(r.reason ?? "")?.[1]?.split(", ") ?? []) features.add(f);
    return features.size > 0 ? [`${t(a.name)} lacks ${[...features].join(", ")}`] : [];
  });
  if (lacking.length > 0) return `${style.yellow(style.bold("PARTIAL"))} ${summary} (${lacking.join("; ")}; --require-features makes a skip a failure)`;
  return `${style.green(style.bold("OK"))} ${summary}`;
}
