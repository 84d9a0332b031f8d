// `--reporter html --out DIR` and `rsm report html`: one self-contained page (no network, no framework) with
// the compatibility matrix, scenarios or topics x adapters coloured by outcome, filters by topic, tag,
// outcome and adapter, each failure opening its diagnosis and decoded diff, and the run's metadata; plus a
// badge per adapter in shields.io's endpoint format. Scenario names and statuses are taken as they come: a
// topic is whatever precedes the first "/", and a status the page does not know gets a neutral colour.
import path from "node:path";
import { replaceDirectory, writeFileAtomic } from "../../../common/fs_atomic.js";
import { pathSegment } from "../bins.js";
import { countsOf, type AdapterReport } from "../../model.js";
import type { RunReport } from "../run_report.js";
import { answerLines, diagnosisLines, rankingLines, verdict } from "./human.js";
import { ms as reportMs } from "./json.js";
import { PAGE_SCRIPT, PAGE_STYLE } from "./html_page.js";
import { outcomeOf, topicOf } from "./outcome.js";
import { PLAIN } from "./style.js";
import { html as escapeHtml, json, scriptJson } from "../../../common/escape.js";

/**
 * Whole ms, rounded from what the JSON report keeps, so that `rsm report html` on that report renders the same
 * page as the run did: 1729.4996 rounds to 1729, but the report's 1729.5 to 1730.
 */
const wholeMs = (n: number) => Math.round(reportMs(n));

/** shields.io's endpoint badge (schemaVersion 1): label, message, color. */
export interface Badge {
  readonly schemaVersion: 1;
  readonly label: string;
  readonly message: string;
  readonly color: string;
}

export function badgeOf(a: AdapterReport, strict: boolean): Badge {
  const c = countsOf(a);
  const ran = a.results.length;
  const label = `rsm ${a.name}`;
  if (a.fatal && ran === 0) return { schemaVersion: 1, label, message: a.fatal.optional ? "not run" : "could not run", color: a.fatal.optional ? "lightgrey" : "red" };
  const failing = c.failed + c.errored + (strict ? c.unexpectedPasses : 0) + (a.fatal && !a.fatal.optional ? 1 : 0);
  const extra = [c.failed + c.errored > 0 ? `${c.failed + c.errored} failing` : "", c.skipped > 0 ? `${c.skipped} skipped` : "", c.expected > 0 ? `${c.expected} expected` : ""].filter(Boolean);
  const message = `${c.passed}/${ran} passed${extra.length > 0 ? `, ${extra.join(", ")}` : ""}`;
  return { schemaVersion: 1, label, message, color: failing > 0 ? "red" : c.skipped + c.expected + c.notRun > 0 ? "yellow" : "brightgreen" };
}

interface CellView {
  /** outcome */
  readonly o: string;
  readonly status: string;
  readonly reason: string | null;
  /** Diagnosis lines (where, rules, hints), then the decoded diff, as the human report prints them. */
  readonly lines: readonly string[];
  readonly diff: readonly string[];
  readonly stderr: string | null;
  readonly file: string;
  readonly source: string;
  readonly ms: number;
}

/** What the page's script renders: small, and with no hex (a big scenario's snapshots run to megabytes). */
export function pageData(run: RunReport, title: string) {
  const known = new Map((run.meta?.scenarios ?? []).map((s) => [s.name, s]));
  const names = new Set(known.keys());
  for (const a of run.adapters) for (const r of a.results) names.add(r.name);
  const scenarios = [...names]
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    .map((name) => {
      const s = known.get(name);
      return { name, topic: topicOf(name), tags: s?.tags ?? [], features: s?.features ?? [], description: s?.description ?? "", source: s?.source ?? "" };
    });
  const adapters = run.adapters.map((a) => {
    const c = countsOf(a);
    // No prototype: a scenario named "__proto__" is a key like any other.
    const cells: Record<string, CellView> = Object.create(null) as Record<string, CellView>;
    for (const r of a.results) {
      const d = r.diagnosis;
      const lines = d ? diagnosisLines(d, PLAIN).slice(0, d.diff.length > 0 ? -d.diff.length : undefined) : r.answers ? [r.reason ?? "", ...answerLines(r)] : [];
      cells[r.name] = { o: outcomeOf(r), status: r.status, reason: r.reason, lines, diff: d?.diff ?? [], stderr: r.stderrTail, file: r.file, source: r.source, ms: wholeMs(r.durationMs) };
    }
    return {
      name: a.name,
      command: a.command,
      hello: a.hello,
      fatal: a.fatal,
      counts: { passed: c.passed, failed: c.failed, errored: c.errored, skipped: c.skipped, expected: c.expected, unexpected_passes: c.unexpectedPasses, not_run: c.notRun },
      badge: badgeOf(a, run.strict),
      badgeFile: `badges/${pathSegment(a.name)}.json`,
      /** The terminal report's lines of the run's ranking (empty without a failure): a heading, then one per rule or finding. */
      ranking: rankingLines(a),
      cells,
    };
  });
  return {
    title,
    verdict: verdict(run, PLAIN),
    exitCode: run.exitCode,
    startedAt: run.startedAt,
    durationMs: wholeMs(run.durationMs),
    strict: run.strict,
    selected: run.selected,
    corpus: run.corpus,
    checks: run.checks ?? [],
    meta: { kit: run.meta?.kit ?? null, corpus_sha256: run.meta?.corpus_sha256 ?? null, shard: run.meta?.shard ?? null, selection: run.meta?.selection ?? [], machine: run.meta?.machine ?? null, parts: run.meta?.parts ?? [] },
    scenarios,
    adapters,
  };
}


/** The files of the report directory, relative to it: index.html and one badge per adapter. */
export function renderHtml(run: RunReport, title = "rsm conformance"): Map<string, string> {
  const data = pageData(run, title);
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}: ${escapeHtml(data.verdict.split(" ")[0] ?? "")}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p id="verdict" class="${run.exitCode === 0 ? "ok" : "bad"}">${escapeHtml(data.verdict)}</p></header>
<main>
<section id="summary"></section>
<section id="controls"></section>
<section id="matrix-wrap"><table id="matrix"></table></section>
<section id="detail" hidden></section>
<section id="meta"></section>
</main>
<script type="application/json" id="data">${scriptJson(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
  const files = new Map<string, string>([["index.html", page]]);
  for (const a of data.adapters) files.set(a.badgeFile, `${json(a.badge, 2)}\n`);
  return files;
}

/**
 * Writes the report's files below dir, each atomically; with `report` (the run's JSON) also dir/report.json,
 * so the directory of a `conformance --reporter html` run can be merged or diffed later.
 */
export async function writeHtmlReport(run: RunReport, dir: string, title?: string, report?: string): Promise<void> {
  const files = renderHtml(run, title);
  // badges/ is written whole: a badge of an adapter no longer in the report must not stay to be served.
  await replaceDirectory(path.join(dir, "badges"), async (staging) => {
    for (const [rel, text] of files) if (rel.startsWith("badges/")) await writeFileAtomic(path.join(staging, rel.slice("badges/".length)), text);
  });
  await writeFileAtomic(path.join(dir, "index.html"), files.get("index.html")!);
  if (report !== undefined) await writeFileAtomic(path.join(dir, "report.json"), report);
}
