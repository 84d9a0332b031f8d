// Hands a finished run to its reporters: the one --reporter asks for (to --out or stdout), the human summary
// beside a report written to a file, and on GitHub Actions the step summary and the annotations. A report
// that cannot be written is said once, with where and why, and the run's exit code says so. What goes to
// stdout for a person (the human report, Markdown) is an untrusted block (common/escape.ts): on GitHub Actions
// it is fenced by ::stop-commands::, so the annotations after it are the only workflow commands of the run.
import path from "node:path";
import { describeWriteError, writeOutput } from "../../common/output.js";
import { untrustedBlock } from "../../common/escape.js";
import type { RunReport } from "./run_report.js";
import { annotations, writeStepSummary } from "./reporters/github.js";
import { writeHtmlReport } from "./reporters/html.js";
import { renderHuman } from "./reporters/human.js";
import { renderJson } from "./reporters/json.js";
import { renderJunit } from "./reporters/junit.js";
import { renderMarkdown } from "./reporters/markdown.js";
import { COLOUR, PLAIN, useColour, type TextStream } from "./reporters/style.js";

import type { ReporterName } from "../options.js";


export interface ReportSinks {
  readonly stdout: TextStream;
  readonly env: NodeJS.ProcessEnv;
  note(line: string): void;
}

/** Writes every report of `run`; false when one of them could not be written (already said through `note`). */
export async function writeReports(run: RunReport, reporter: ReporterName, out: string | null, root: string, sinks: ReportSinks): Promise<boolean> {
  const { stdout, env, note } = sinks;
  let ok = true;
  const human = () => untrustedBlock(renderHuman(run, useColour(stdout, env) ? COLOUR : PLAIN), env);
  if (reporter === "human") stdout.write(human());
  else if (reporter === "html") {
    stdout.write(human());
    try {
      await writeHtmlReport(run, out!, undefined, renderJson(run));
      note(`wrote html report ${path.join(out!, "index.html")}`);
    } catch (err) {
      note(`cannot write the html report to ${out}: ${describeWriteError(err)}`);
      ok = false;
    }
  } else {
    const text = reporter === "json" ? renderJson(run) : reporter === "markdown" ? renderMarkdown(run) : renderJunit(run);
    // JSON and JUnit are read by programs: never fenced, and safe to print as they are (their sinks escape).
    const printed = reporter === "markdown" ? untrustedBlock(text, env) : text;
    if (out === null) stdout.write(printed);
    else {
      stdout.write(human());
      try {
        await writeOutput(out, text);
        note(`wrote ${reporter} report ${out}`);
      } catch (err) {
        // The environment failed, not the run: say where and why, and keep the report by printing it.
        note(`cannot write the ${reporter} report to ${out}: ${describeWriteError(err)}; it follows on stdout`);
        stdout.write(printed);
        ok = false;
      }
    }
  }
  // GitHub Actions: the summary for the run's page, and annotations on the scenario files (not when stdout
  // carries a json or markdown report, which a workflow command line would corrupt).
  await writeStepSummary(run, env).catch((err: unknown) => {
    note(`cannot append to $GITHUB_STEP_SUMMARY (${env.GITHUB_STEP_SUMMARY}): ${describeWriteError(err)}`);
    ok = false;
  });
  if (env.GITHUB_ACTIONS === "true" && (out !== null || reporter === "human")) for (const line of await annotations(run, root)) stdout.write(`${line}\n`);
  return ok;
}
