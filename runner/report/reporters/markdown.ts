// `--reporter markdown`, and the summary written to $GITHUB_STEP_SUMMARY: what a reviewer reads on the pull
// request. The adapter x outcome table, then each failure collapsed to one line (adapter, scenario, step,
// node, likely rules) that opens on its diagnosis and decoded diff, skips grouped by the feature the
// adapter lacks, and the run's metadata. Scenario names and outcomes are shown as the report has them.
import { countsOf, isUnexpectedProblem, type AdapterReport, type ScenarioResult } from "../../model.js";
import type { RunReport } from "../run_report.js";
import { diagnosisLines, nodeRanges, verdict } from "./human.js";
import { PLAIN, seconds } from "./style.js";

/** GitHub keeps 1 MiB of a step's summary; past this many failures the rest are only counted. */
export const MAX_DETAILED = 50;
/** Diff lines shown per failure; the JSON or HTML report has them all. */
const MAX_DIFF_LINES = 80;

/** Text inside HTML (a <summary>), where GitHub renders no Markdown. */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Text on a Markdown line: GitHub renders inline HTML there too, so both kinds of markup are escaped. */
export function mdEscape(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!).replace(/([\\`*_[\]|#~])/g, "\\$1");
}

/** A fence longer than any run of backticks inside, so no diff line can close it. */
function fenced(lang: string, lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, ...lines, fence];
}

function table(adapters: readonly AdapterReport[]): string[] {
  const rows = adapters.map((a) => {
    const c = countsOf(a);
    const note = a.fatal ? `${a.fatal.optional ? "not run" : "**could not run**"}: ${mdEscape(a.fatal.message.split("\n")[0]!)}` : "";
    return `| ${mdEscape(a.name)} | ${c.passed} | ${c.failed} | ${c.errored} | ${c.skipped} | ${c.expected} | ${c.notRun} | ${seconds(a.durationMs)} | ${note} |`;
  });
  return ["| adapter | passed | failed | errored | skipped | expected | not run | time | |", "|---|--:|--:|--:|--:|--:|--:|--:|---|", ...rows];
}

/** The one line a failure is folded to: where it diverged and the rule it most likely breaks. */
function headline(a: AdapterReport, r: ScenarioResult): string {
  const label = r.status === "failed" ? "FAIL" : r.status === "error" ? "ERROR" : r.status.toUpperCase();
  const d = r.diagnosis;
  let where = "";
  if (d) {
    where = d.divergence ? `: step ${d.divergence.step}, node${d.divergence.nodes.length > 1 ? "s" : ""} ${nodeRanges(d.divergence.nodes)}` : `: snapshot of step ${d.snapshot.step} node ${d.snapshot.node}`;
    if (d.rules.length > 0) where += `; ${d.rules.slice(0, 3).join(", ")}`;
  } else if (r.reason) where = `: ${r.reason.length > 120 ? `${r.reason.slice(0, 119)}…` : r.reason}`;
  return `<b>${label}</b> ${htmlEscape(a.name)} <code>${htmlEscape(r.name)}</code>${htmlEscape(where)}`;
}

function failureBlock(a: AdapterReport, r: ScenarioResult): string[] {
  const out = [`<details><summary>${headline(a, r)}</summary>`, "", `scenario: \`${r.source}\` (golden \`${r.file}\`)`, ""];
  const d = r.diagnosis;
  if (d) {
    const head = diagnosisLines(d, PLAIN).slice(0, -d.diff.length || undefined);
    for (const l of head) out.push(`- ${mdEscape(l)}`);
    const diff = d.diff.length > MAX_DIFF_LINES ? [...d.diff.slice(0, MAX_DIFF_LINES), `  ... ${d.diff.length - MAX_DIFF_LINES} more lines (in the JSON or HTML report)`] : d.diff;
    if (diff.length > 0) out.push("", "decoded snapshots, expected (-) against actual (+):", "", ...fenced("diff", diff));
  } else if (r.reason) out.push(mdEscape(r.reason));
  if (r.stderrTail) out.push("", "adapter stderr (tail):", "", ...fenced("", r.stderrTail.split("\n")));
  if (r.restarted) out.push("", "the adapter was restarted for the next scenario");
  out.push("", "</details>", "");
  return out;
}

/** Skips, one line per adapter and missing feature (or per reason, for a skip that names none). */
function skipLines(a: AdapterReport): string[] {
  const groups = new Map<string, string[]>();
  for (const r of a.results) {
    if (r.status !== "skipped") continue;
    const features = /needs feature ([\w, -]+?), which/.exec(r.reason ?? "")?.[1];
    const key = features ? `lacks feature ${features.split(", ").map((f) => `\`${f}\``).join(", ")}` : mdEscape(r.reason ?? "skipped");
    groups.set(key, [...(groups.get(key) ?? []), r.name]);
  }
  return [...groups].map(([why, names]) => {
    const some = names.slice(0, 5).map((n) => `\`${n}\``).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more` : "");
    return `- **${mdEscape(a.name)}** ${why}: ${names.length} scenario${names.length === 1 ? "" : "s"} (${some})`;
  });
}

export function renderMarkdown(run: RunReport, title = "rsm conformance"): string {
  const out = [`### ${mdEscape(title)}: ${mdEscape(verdict(run, PLAIN))}`, "", ...table(run.adapters), ""];
  const fatal = run.adapters.filter((a) => a.fatal !== null);
  for (const a of fatal) {
    out.push(`<details><summary><b>${a.fatal!.optional ? "NOT RUN" : "ADAPTER"}</b> ${htmlEscape(a.name)}: ${htmlEscape(a.fatal!.message.split("\n")[0]!)}</summary>`, "", `command: \`${a.command}\``, "");
    if (a.fatal!.output) out.push(...fenced("", a.fatal!.output.split("\n")));
    out.push("", "</details>", "");
  }
  const problems = run.adapters.flatMap((a) => a.results.filter(isUnexpectedProblem).map((r) => [a, r] as const));
  if (problems.length > 0) {
    out.push(`#### Failures and errors (${problems.length})`, "");
    for (const [a, r] of problems.slice(0, MAX_DETAILED)) out.push(...failureBlock(a, r));
    if (problems.length > MAX_DETAILED) out.push(`… and ${problems.length - MAX_DETAILED} more, in the JSON and HTML reports.`, "");
  }
  const passes = run.adapters.flatMap((a) => a.results.filter((r) => r.expectedFailure && r.status === "passed").map((r) => `- **${mdEscape(a.name)}** \`${r.name}\`: listed in --expected-failures but passes; remove it from the list`));
  if (passes.length > 0) out.push(`#### Unexpected passes (${passes.length})`, "", ...passes, "");
  const expected = run.adapters.flatMap((a) => a.results.filter((r) => r.expectedFailure && (r.status === "failed" || r.status === "error")).map((r) => `- **${mdEscape(a.name)}** \`${r.name}\`: ${r.status}, as listed`));
  if (expected.length > 0) out.push(`#### Expected failures (${expected.length})`, "", ...expected, "");
  const skips = run.adapters.flatMap(skipLines);
  if (skips.length > 0) out.push("#### Skipped", "", ...skips, "");
  out.push(metaLine(run), "");
  return out.join("\n");
}

function metaLine(run: RunReport): string {
  const m = run.meta;
  const parts = [`started ${run.startedAt}`];
  if (m?.kit) parts.push(`kit ${mdEscape(m.kit.name)} ${mdEscape(m.kit.version)}`);
  if (m?.corpus_sha256) parts.push(`corpus ${m.corpus_sha256.slice(0, 12)}`);
  if (m?.shard) parts.push(`shard ${m.shard.index}/${m.shard.count}`);
  if (m?.parts) parts.push(`merged from ${m.parts.length} report${m.parts.length === 1 ? "" : "s"}`);
  if (m?.machine) parts.push(`${mdEscape(m.machine.os)}, ${m.machine.cpus} × ${mdEscape(m.machine.cpu_model)}, node ${m.machine.node}`);
  return `<sub>${parts.join(" · ")}</sub>`;
}
