// `rsm report merge|html|diff`: what a CI gate does with the JSON reports of a run (docs/ci.md, "Shards and
// `rsm report merge`"). Every input report is checked against schema/report.schema.json first; a bad one is one line per
// problem naming the file and the JSON path, exit 2, and nothing is written. A report is an artifact its port
// could write into: every text of it printed goes through the output boundary (common/escape.ts), the human
// report and the diff as untrusted blocks, so a leg's fatal message, stderr or diff lines cannot command the
// gate job's terminal or runner.
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand, parseFlags, usage, type CommandSpec } from "../../common/args.js";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "../../common/errors.js";
import { describeWriteError, writeOutput } from "../../common/output.js";
import { consoleLine, untrustedBlock } from "../../common/escape.js";
import { isPlainFile } from "../../common/read_file.js";
import { mergeReports } from "./merge.js";
import { readReport, runOf } from "./read.js";
import { diffRuns, regressed, renderDiffHuman, renderDiffMarkdown } from "./diff.js";
import { renderHuman } from "./reporters/human.js";
import { writeHtmlReport } from "./reporters/html.js";
import { renderJson } from "./reporters/json.js";
import { renderMarkdown } from "./reporters/markdown.js";
import { writeStepSummary } from "./reporters/github.js";
import { PLAIN } from "./reporters/style.js";

export const REPORT_MERGE_SPEC = defineCommand({
  name: "report merge",
  synopsis: "REPORT... [--out FILE] [--markdown FILE]",
  brief: "merge the JSON reports of a CI matrix (adapters x shards) into one",
  summary: `Merges the JSON reports of a CI matrix (adapters x shards) into one. Refuses reports of another kit
version, corpus, selection or --strict, and a report whose results are not of the shard and selection it
says it ran, and names every shard that is missing or given twice. Writes the merged
JSON report to FILE (stdout without --out, and then nothing else goes there), prints the human report, and
appends the Markdown summary to $GITHUB_STEP_SUMMARY when that is set (and to --markdown FILE).`,
  positionals: [{ name: "REPORT...", help: "the JSON reports of the matrix's legs (rsm conformance --reporter json --out FILE); - reads one from standard input" }],
  flags: {
    out: { type: "string", value: "FILE", help: "write the merged JSON report to FILE and print the human report on stdout (without it, stdout carries the merged JSON report alone)" },
    markdown: { type: "string", value: "FILE", help: "also write the Markdown summary to FILE" },
  },
  notes: ["Exit codes as a single run's: 0 all passed or expected, 1 a failure, 2 bad input."],
});

export const REPORT_HTML_SPEC = defineCommand({
  name: "report html",
  synopsis: "REPORT [--out DIR] [--title TEXT]",
  brief: "render a JSON report as a static HTML page and badges",
  summary: `Writes the static HTML report of a JSON report: DIR/index.html (one self-contained page: the
compatibility matrix, filters, each failure's diagnosis and decoded diff, the run's metadata) and
DIR/badges/ADAPTER.json (shields.io endpoint badges).`,
  positionals: [{ name: "REPORT", help: "a JSON report (rsm conformance --reporter json, or rsm report merge); - reads standard input" }],
  flags: {
    out: { type: "string", value: "DIR", help: "the directory to write (default: REPORT without .json, plus -html, when REPORT is a regular file; needed otherwise)" },
    title: { type: "string", value: "TEXT", help: "the page's title (default: rsm conformance)" },
  },
  notes: ["exit codes: 0 written, 1 the report could not be written, 2 bad input"],
});

export const REPORT_DIFF_SPEC = defineCommand({
  name: "report diff",
  synopsis: "OLD NEW [--reporter human|markdown]",
  brief: "what changed from one JSON report to another, per adapter",
  summary: `Per adapter, the scenarios that newly fail, newly pass, or otherwise changed outcome from the OLD
report to the NEW one. With $GITHUB_STEP_SUMMARY set, the Markdown version is appended to it.`,
  positionals: [
    { name: "OLD", help: "the earlier JSON report (the base branch's)" },
    { name: "NEW", help: "the later JSON report (the pull request's)" },
  ],
  flags: {
    reporter: { type: "string", value: "human|markdown", help: "how the diff is printed on stdout (default human)" },
  },
  notes: ["Exit 1 when any scenario newly fails, 0 otherwise (2: bad input)."],
});

export const REPORT_SPEC = defineCommand({
  name: "report",
  synopsis: "<merge|html|diff> ...",
  brief: "merge the JSON reports of a CI matrix, render one as HTML, diff two",
  summary: `What a CI gate does with the JSON reports of a run (docs/ci.md, "Shards and rsm report merge"). Every input report is
checked against schema/report.schema.json first; a bad one is one line per problem naming the file and the JSON
path, exit 2, and nothing is written.`,
  positionals: { none: "expected merge, html or diff" },
  flags: {},
  subcommands: [REPORT_MERGE_SPEC, REPORT_HTML_SPEC, REPORT_DIFF_SPEC],
  notes: ["rsm report SUBCOMMAND --help shows each one's arguments and flags."],
});

interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

const PROCESS_IO: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** A file flag's value; an empty one would write to the working directory's name. */
function fileFlag(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value === "") throw new UsageError(`${flag}: expected a path, got an empty string`);
  return value;
}

/** Each file written, named on stderr; a file that cannot be written is one line and exit 1 at the end. */
class Writes {
  failed = false;
  constructor(private readonly io: Io) {}
  async write(file: string, text: string, what: string): Promise<void> {
    try {
      await writeOutput(file, text);
      this.io.stderr.write(`rsm: ${consoleLine(`wrote ${what} ${file}`)}\n`);
    } catch (err) {
      this.io.stderr.write(`rsm: ${consoleLine(`cannot write ${what} ${file}: ${describeWriteError(err)}`)}\n`);
      this.failed = true;
    }
  }
}

async function merge(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(REPORT_MERGE_SPEC, args);
  if (values.help) return help(io, REPORT_MERGE_SPEC);
  if (positionals.length === 0) throw new UsageError("report merge: expected one or more JSON report files (rsm conformance --reporter json --out FILE)");
  const out = fileFlag("--out", values.out);
  const markdown = fileFlag("--markdown", values.markdown);
  const inputs = [];
  for (const file of positionals) inputs.push({ file, report: await readReport(file) });
  const run = mergeReports(inputs);
  const writes = new Writes(io);
  const json = renderJson(run);
  if (out === null) io.stdout.write(json);
  else {
    io.stdout.write(untrustedBlock(renderHuman(run, PLAIN), io.env));
    await writes.write(out, json, "merged report");
  }
  if (markdown !== null) await writes.write(markdown, renderMarkdown(run, "rsm conformance (merged)"), "Markdown summary");
  await summary(io, writes, () => writeStepSummary(run, io.env, "rsm conformance (merged)"));
  return writes.failed ? Math.max(run.exitCode, EXIT_FAILED) : run.exitCode;
}

/** Appends to $GITHUB_STEP_SUMMARY; a failure there is the environment's, said once. */
async function summary(io: Io, writes: Writes, write: () => Promise<string | null>): Promise<void> {
  try {
    await write();
  } catch (err) {
    io.stderr.write(`rsm: ${consoleLine(`cannot append to $GITHUB_STEP_SUMMARY (${io.env.GITHUB_STEP_SUMMARY}): ${describeWriteError(err)}`)}\n`);
    writes.failed = true;
  }
}

async function html(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(REPORT_HTML_SPEC, args);
  if (values.help) return help(io, REPORT_HTML_SPEC);
  if (positionals.length !== 1) throw new UsageError(`report html: expected one JSON report file, got ${positionals.length}`);
  const file = positionals[0]!;
  const out = fileFlag("--out", values.out);
  if (out === null && file === "-") throw new UsageError("report html -: expected --out DIR; a report read from standard input has no folder to put the page beside");
  const run = runOf(await readReport(file));
  // The default folder goes beside REPORT only when that is a regular file: never beside a device or a link
  // to one (`report html /dev/stdin` made /dev/stdin-html).
  if (out === null && !isPlainFile(file)) throw new UsageError(`report html ${file}: expected --out DIR; ${file} is not a regular file (a link, a device or a pipe), so there is no folder beside it to default to`);
  const dir = out ?? `${file.replace(/\.json$/i, "")}-html`;
  try {
    await writeHtmlReport(run, dir, values.title);
  } catch (err) {
    io.stderr.write(`rsm: ${consoleLine(`cannot write the HTML report to ${dir}: ${describeWriteError(err)}`)}\n`);
    return EXIT_FAILED;
  }
  io.stdout.write(`${consoleLine(`wrote ${path.join(dir, "index.html")} and ${run.adapters.length} badge${run.adapters.length === 1 ? "" : "s"} in ${path.join(dir, "badges")}`)}\n`);
  return 0;
}

async function diff(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(REPORT_DIFF_SPEC, args);
  if (values.help) return help(io, REPORT_DIFF_SPEC);
  if (positionals.length !== 2) throw new UsageError(`report diff: expected two JSON report files, OLD and NEW, got ${positionals.length}`);
  const reporter = values.reporter ?? "human";
  if (reporter !== "human" && reporter !== "markdown") throw new UsageError(`--reporter: expected human or markdown, got ${JSON.stringify(reporter)}`);
  const [before, after] = [runOf(await readReport(positionals[0]!)), runOf(await readReport(positionals[1]!))];
  const d = diffRuns(before, after);
  io.stdout.write(untrustedBlock(reporter === "human" ? renderDiffHuman(d) : renderDiffMarkdown(d), io.env));
  const writes = new Writes(io);
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (file) await summary(io, writes, async () => (await appendFile(file, `${renderDiffMarkdown(d)}\n`), file));
  return regressed(d) || writes.failed ? EXIT_FAILED : 0;
}

function help(io: Io, spec: CommandSpec): number {
  io.stdout.write(`${usage(spec)}\n`);
  return 0;
}

export async function reportCommand(args: string[], io: Io = PROCESS_IO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    help(io, REPORT_SPEC);
    return sub === undefined ? EXIT_USAGE : 0;
  }
  switch (sub) {
    case "merge":
      return merge(rest, io);
    case "html":
      return html(rest, io);
    case "diff":
      return diff(rest, io);
    default:
      throw new UsageError(`report: unknown subcommand ${JSON.stringify(sub)}; expected merge, html or diff`);
  }
}

