// `--reporter markdown`, and the summary written to $GITHUB_STEP_SUMMARY: what a reviewer reads on the pull
// request. The adapter x outcome table, then each failure collapsed to one line (adapter, scenario, step,
// node, likely rules) that opens on its diagnosis and decoded diff, skips grouped by the feature the
// adapter lacks, and the run's metadata. Scenario names and outcomes are shown as the report has them, each
// string through the Markdown sink of common/escape.ts for where it stands (inline, in the <summary>'s HTML, in
// a fence), and never at the start of a line: no text of a port's or a report's can end a <details>, or make a
// heading, a link or HTML of its own.
import { countsOf, isUnexpectedProblem, type AdapterReport, type ScenarioResult } from "../../model.js";
import type { RunReport } from "../run_report.js";
import { answerLines, diagnosisLines, nodeRanges, rankingLines, verdict } from "./human.js";
import { PLAIN, seconds } from "./style.js";
import { markdown as md, markdownFence as fenced, markdownHtml as h } from "../../../common/escape.js";

/** GitHub keeps 1 MiB of a step's summary; past this many failures the rest are only counted. */
export const MAX_DETAILED = 50;
/** Diff lines shown per failure; the JSON or HTML report has them all. */
const MAX_DIFF_LINES = 80;

function table(adapters: readonly AdapterReport[]): string[] {
  const rows = adapters.map((a) => {
    const c = countsOf(a);
    const note = a.fatal ? `${a.fatal.optional ? "not run" : "**could not run**"}: ${md(a.fatal.message.split("\n")[0]!)}` : "";
    return `| ${md(a.name)} | ${c.passed} | ${c.failed} | ${c.errored} | ${c.skipped} | ${c.expected} | ${c.notRun} | ${seconds(a.durationMs)} | ${note} |`;
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
  return `<b>${label}</b> ${h(a.name)} <code>${h(r.name)}</code>${h(where)}`;
}

function failureBlock(a: AdapterReport, r: ScenarioResult): string[] {
  const out = [`<details><summary>${headline(a, r)}</summary>`, "", `scenario: <code>${md(r.source)}</code> (golden <code>${md(r.file)}</code>)`, ""];
  const d = r.diagnosis;
  if (d) {
    const head = diagnosisLines(d, PLAIN).slice(0, -d.diff.length || undefined);
    for (const l of head) out.push(`- ${md(l)}`);
    const diff = d.diff.length > MAX_DIFF_LINES ? [...d.diff.slice(0, MAX_DIFF_LINES), `  ... ${d.diff.length - MAX_DIFF_LINES} more lines (in the JSON or HTML report)`] : d.diff;
    if (diff.length > 0) out.push("", "decoded snapshots, expected (-) against actual (+):", "", ...fenced("diff", diff));
  } else if (r.reason) out.push(`reason: ${md(r.reason)}`);
  if (r.answers) out.push("", ...r.answers.map((a) => `- ${md(a)}`));
  if (r.stderrTail) out.push("", "adapter stderr (tail):", "", ...fenced("", r.stderrTail.split(/\r?\n/)));
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
    const key = features ? `lacks feature ${features.split(", ").map((f) => `<code>${md(f)}</code>`).join(", ")}` : md(r.reason ?? "skipped");
    groups.set(key, [...(groups.get(key) ?? []), r.name]);
  }
  return [...groups].map(([why, names]) => {
    const some = names.slice(0, 5).map((n) => `<code>${md(n)}</code>`).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more` : "");
    return `- **${md(a.name)}** ${why}: ${names.length} scenario${names.length === 1 ? "" : "s"} (${some})`;
  });
}

export function renderMarkdown(run: RunReport, title = "rsm conformance"): string {
  const out = [`### ${md(title)}: ${md(verdict(run, PLAIN))}`, "", ...table(run.adapters), ""];
  const fatal = run.adapters.filter((a) => a.fatal !== null);
  for (const a of fatal) {
    out.push(`<details><summary><b>${a.fatal!.optional ? "NOT RUN" : "ADAPTER"}</b> ${h(a.name)}: ${h(a.fatal!.message.split("\n")[0]!)}</summary>`, "", `command: <code>${md(a.command)}</code>`, "");
    if (a.fatal!.output) out.push(...fenced("", a.fatal!.output.split(/\r?\n/)));
    out.push("", "</details>", "");
  }
  const problems = run.adapters.flatMap((a) => a.results.filter(isUnexpectedProblem).map((r) => [a, r] as const));
  // Above the failures: the rules each adapter's whole run points at, so the reader starts from the cause.
  const rankings = run.adapters.map(rankingLines).filter((l) => l.length > 0);
  if (rankings.length > 0) {
    out.push("#### Most likely broken rules", "");
    for (const [head, ...rest] of rankings) out.push(`${md(head!)}`, "", ...rest.map((l) => `- ${md(l.replace(/^\s*(\d+\. )?/, ""))}`), "");
  }
  if (problems.length > 0) {
    out.push(`#### Failures and errors (${problems.length})`, "");
    for (const [a, r] of problems.slice(0, MAX_DETAILED)) out.push(...failureBlock(a, r));
    if (problems.length > MAX_DETAILED) out.push(`… and ${problems.length - MAX_DETAILED} more, in the JSON and HTML reports.`, "");
  }
  const passes = run.adapters.flatMap((a) => a.results.filter((r) => r.expectedFailure && r.status === "passed").map((r) => `- **${md(a.name)}** <code>${md(r.name)}</code>: listed in --expected-failures but passes; remove it from the list`));
  if (passes.length > 0) out.push(`#### Unexpected passes (${passes.length})`, "", ...passes, "");
  const expected = run.adapters.flatMap((a) => a.results.filter((r) => r.expectedFailure && (r.status === "failed" || r.status === "error")).map((r) => `- **${md(a.name)}** <code>${md(r.name)}</code>: ${md(r.status)}, as listed`));
  if (expected.length > 0) out.push(`#### Expected failures (${expected.length})`, "", ...expected, "");
  const skips = run.adapters.flatMap(skipLines);
  if (skips.length > 0) out.push("#### Skipped", "", ...skips, "");
  out.push(metaLine(run), "");
  return out.join("\n");
}

function metaLine(run: RunReport): string {
  const m = run.meta;
  // Inline HTML in a paragraph: what is inside <sub> is Markdown.
  const parts = [`started ${md(run.startedAt)}`];
  if (m?.kit) parts.push(`kit ${md(m.kit.name)} ${md(m.kit.version)}`);
  if (m?.corpus_sha256) parts.push(`corpus ${md(m.corpus_sha256.slice(0, 12))}`);
  if (m?.shard) parts.push(`shard ${m.shard.index}/${m.shard.count}`);
  if (m?.parts) parts.push(`merged from ${m.parts.length} report${m.parts.length === 1 ? "" : "s"}`);
  if (m?.machine) parts.push(`${md(m.machine.os)}, ${m.machine.cpus} × ${md(m.machine.cpu_model)}, node ${md(m.machine.node)}`);
  return `<sub>${parts.join(" · ")}</sub>`;
}
