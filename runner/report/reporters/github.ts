// GitHub Actions: the Markdown summary appended to $GITHUB_STEP_SUMMARY, and one `::error` annotation per
// unexpected failure, pointing at the authored scenario file and the line of the step where the port first
// diverged, so the pull request shows it beside the scenario (workflow commands, GitHub's docs). Properties and
// data are escaped as the runner unescapes them (common/escape.ts), so no text of a port's can end one.
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { SCENARIO_FILE, readInputText } from "../../../common/read_file.js";
import { isUnexpectedProblem } from "../../model.js";
import type { RunReport } from "../run_report.js";
import { answerLines, rankingLines } from "./human.js";
import { renderMarkdown } from "./markdown.js";
import { actionsData as escapeData, actionsProperty as escapeProperty } from "../../../common/escape.js";


/**
 * The 1-based line where element `index` of the top-level "steps" array starts in an authored scenario, or
 * null when the text has no such element. A scanner, not a parser: it only tracks strings and nesting, so
 * it finds the line in any file JSON.parse accepts, whatever its layout.
 */
export function stepLine(text: string, index: number): number | null {
  let line = 1;
  let depth = 0;
  let lastKey: string | null = null;
  let inSteps = false;
  let element = -1;
  let awaiting = false; // inside steps, before the next element's first character
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") continue;
    if (inSteps && depth === 2 && awaiting && c !== "]") {
      element++;
      awaiting = false;
      if (element === index) return line;
    }
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") {
          s += text[j + 1] ?? "";
          j += 2;
        } else s += text[j++]!;
      }
      if (depth === 1) lastKey = s;
      i = j;
      continue;
    }
    if (c === "{" || c === "[") {
      depth++;
      if (c === "[" && depth === 2 && lastKey === "steps") {
        inSteps = true;
        awaiting = true;
      }
    } else if (c === "}" || c === "]") {
      if (inSteps && depth === 2) return null;
      depth--;
    } else if (c === "," && inSteps && depth === 2) awaiting = true;
    else if (c === ":" || c === ",") continue;
    else if (depth === 1) lastKey = null;
  }
  return null;
}

/** One `::error` line per unexpected failure, error, unexpected pass (under --strict) and adapter that could not run. */
export async function annotations(run: RunReport, root: string): Promise<string[]> {
  const lines: string[] = [];
  const texts = new Map<string, string | null>();
  const lineOf = async (source: string, step: number | undefined): Promise<number | null> => {
    if (step === undefined) return null;
    if (!texts.has(source)) texts.set(source, await readInputText(path.resolve(root, source), SCENARIO_FILE).catch(() => null));
    const text = texts.get(source);
    return text ? stepLine(text, step) : null;
  };
  for (const a of run.adapters) {
    // One notice per failing adapter with the run's ranking: where to start, before the failures one by one.
    const [head, ...ranked] = rankingLines(a);
    if (head !== undefined) lines.push(`::notice title=${escapeProperty(`rsm: ${a.name}: most likely broken rules`)}::${escapeData([head, ...ranked.map((l) => l.trim())].join("\n"))}`);
    if (a.fatal && !a.fatal.optional) lines.push(`::error title=${escapeProperty(`rsm: adapter ${a.name} could not run`)}::${escapeData(`${a.fatal.message}\ncommand: ${a.command}`)}`);
    for (const r of a.results) {
      const unexpectedPass = run.strict && r.expectedFailure && r.status === "passed";
      if (!isUnexpectedProblem(r) && !unexpectedPass) continue;
      const d = r.diagnosis;
      const line = await lineOf(r.source, d?.divergence?.step);
      const title = `rsm: ${a.name} ${unexpectedPass ? "passes, though listed as an expected failure" : r.status === "failed" ? "fails" : "errors on"} ${r.name}`;
      const body = unexpectedPass
        ? "listed in --expected-failures but passes; remove it from the list"
        : d
          ? [
              d.divergence ? `first divergence at step ${d.divergence.step}, nodes ${d.divergence.nodes.join(", ")}` : `first divergence not found; ${d.traceNote ?? "no trace"}`,
              `snapshot of step ${d.snapshot.step} node ${d.snapshot.node} differs at byte ${d.offset}${d.field ? `, in ${d.field}` : ""}`,
              `likely rules: ${d.rules.join(", ")}`,
              ...d.hints.map((h) => `hint: ${h}`),
            ].join("\n")
          : [r.reason ?? r.status, ...answerLines(r)].join("\n");
      lines.push(`::error file=${escapeProperty(r.source)}${line === null ? "" : `,line=${line}`},title=${escapeProperty(title)}::${escapeData(body)}`);
    }
  }
  return lines;
}

/**
 * Appends the Markdown summary to the file GitHub names in $GITHUB_STEP_SUMMARY. Appended, not written
 * atomically: the file is GitHub's, shared by the step's other commands, and a rename would drop theirs.
 */
export async function writeStepSummary(run: RunReport, env: NodeJS.ProcessEnv, title?: string): Promise<string | null> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return null;
  await appendFile(file, `${renderMarkdown(run, title)}\n`);
  return file;
}
