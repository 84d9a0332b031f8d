// `rsm report merge|html|diff`: what a CI gate does with the JSON reports of a run (README, "Gating a pull
// request"). Every input report is checked against schema/report.schema.json first; a bad one is one line per
// problem naming the file and the JSON path, exit 2, and nothing is written.
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { parseFlags } from "../../common/args.js";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "../../common/errors.js";
import { describeWriteError, writeOutput } from "../../common/output.js";
import { mergeReports } from "./merge.js";
import { readReport, runOf } from "./read.js";
import { diffRuns, regressed, renderDiffHuman, renderDiffMarkdown } from "./diff.js";
import { renderHuman } from "./reporters/human.js";
import { writeHtmlReport } from "./reporters/html.js";
import { renderJson } from "./reporters/json.js";
import { renderMarkdown } from "./reporters/markdown.js";
import { writeStepSummary } from "./reporters/github.js";
import { PLAIN } from "./reporters/style.js";

export const USAGE = `usage: rsm report <merge | html | diff> ...

  merge REPORT... [--out FILE] [--markdown FILE]
      Merges the JSON reports of a CI matrix (adapters x shards) into one. Refuses reports of another kit
      version, corpus, selection or --strict, and names every shard that is missing or given twice. Writes
      the merged JSON report to FILE (stdout without --out, and then nothing else goes there), prints the
      human report, and appends the Markdown summary to $GITHUB_STEP_SUMMARY when that is set (and to
      --markdown FILE). Exit codes as a single run's: 0 all passed or expected, 1 a failure, 2 bad input.
  html REPORT [--out DIR] [--title TEXT]
      Writes the static HTML report of a JSON report: DIR/index.html (one self-contained page: the
      compatibility matrix, filters, each failure's diagnosis and decoded diff, the run's metadata) and
      DIR/badges/ADAPTER.json (shields.io endpoint badges). DIR defaults to REPORT without .json, plus -html.
  diff OLD NEW [--reporter human|markdown]
      Per adapter, the scenarios that newly fail, newly pass, or otherwise changed outcome from the OLD
      report to the NEW one. Exit 1 when any scenario newly fails, 0 otherwise (2: bad input). With
      $GITHUB_STEP_SUMMARY set, the Markdown version is appended to it.
`;

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
      this.io.stderr.write(`rsm: wrote ${what} ${file}\n`);
    } catch (err) {
      this.io.stderr.write(`rsm: cannot write ${what} ${file}: ${describeWriteError(err)}\n`);
      this.failed = true;
    }
  }
}

async function merge(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags("report merge", args, { out: { type: "string" }, markdown: { type: "string" } }, true);
  if (values.help) return usage(io);
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
    io.stdout.write(renderHuman(run, PLAIN));
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
    io.stderr.write(`rsm: cannot append to $GITHUB_STEP_SUMMARY (${io.env.GITHUB_STEP_SUMMARY}): ${describeWriteError(err)}\n`);
    writes.failed = true;
  }
}

async function html(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags("report html", args, { out: { type: "string" }, title: { type: "string" } }, true);
  if (values.help) return usage(io);
  if (positionals.length !== 1) throw new UsageError(`report html: expected one JSON report file, got ${positionals.length}`);
  const file = positionals[0]!;
  const dir = fileFlag("--out", values.out) ?? `${file.replace(/\.json$/i, "")}-html`;
  const run = runOf(await readReport(file));
  try {
    await writeHtmlReport(run, dir, values.title);
  } catch (err) {
    io.stderr.write(`rsm: cannot write the HTML report to ${dir}: ${describeWriteError(err)}\n`);
    return EXIT_FAILED;
  }
  io.stdout.write(`wrote ${path.join(dir, "index.html")} and ${run.adapters.length} badge${run.adapters.length === 1 ? "" : "s"} in ${path.join(dir, "badges")}\n`);
  return 0;
}

async function diff(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags("report diff", args, { reporter: { type: "string" } }, true);
  if (values.help) return usage(io);
  if (positionals.length !== 2) throw new UsageError(`report diff: expected two JSON report files, OLD and NEW, got ${positionals.length}`);
  const reporter = values.reporter ?? "human";
  if (reporter !== "human" && reporter !== "markdown") throw new UsageError(`--reporter: expected human or markdown, got ${JSON.stringify(reporter)}`);
  const [before, after] = [runOf(await readReport(positionals[0]!)), runOf(await readReport(positionals[1]!))];
  const d = diffRuns(before, after);
  io.stdout.write(reporter === "human" ? renderDiffHuman(d) : renderDiffMarkdown(d));
  const writes = new Writes(io);
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (file) await summary(io, writes, async () => (await appendFile(file, `${renderDiffMarkdown(d)}\n`), file));
  return regressed(d) || writes.failed ? EXIT_FAILED : 0;
}

function usage(io: Io): number {
  io.stdout.write(USAGE);
  return 0;
}

export async function reportCommand(args: string[], io: Io = PROCESS_IO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout.write(USAGE);
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

