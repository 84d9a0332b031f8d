// `--reporter junit --out FILE`: JUnit XML, the format CI systems (GitHub Actions reporters, GitLab,
// Jenkins) read. One testsuite per adapter, one testcase per scenario; an adapter that could not run at all
// is one errored testcase, so the CI page shows it once.
import { countsOf, type AdapterReport, type ScenarioResult } from "../../model.js";
import type { RunReport } from "../run_report.js";
import { answerLines, diagnosisLines } from "./human.js";
import { PLAIN } from "./style.js";
import { xml as xmlEscape } from "../../../common/escape.js";

const secs = (ms: number) => (ms / 1000).toFixed(3);

function body(r: ScenarioResult): string {
  const lines = r.diagnosis ? diagnosisLines(r.diagnosis, PLAIN) : [r.reason ?? "", ...answerLines(r)];
  if (r.stderrTail) lines.push("adapter stderr (tail):", r.stderrTail);
  lines.push(`golden: ${r.file}`, `scenario: ${r.source}`);
  // With --out the mismatching snapshots were written as files: where a CI artifact upload finds them.
  if (r.bins) lines.push(`expected bytes: ${r.bins.expected}`, `actual bytes: ${r.bins.actual}`);
  return xmlEscape(lines.join("\n"));
}

function testcase(a: AdapterReport, r: ScenarioResult, strict: boolean): string {
  const open = `    <testcase classname="${xmlEscape(a.name)}" name="${xmlEscape(r.name)}" file="${xmlEscape(r.file)}" time="${secs(r.durationMs)}"`;
  const message = xmlEscape(r.reason ?? "");
  if (r.expectedFailure && r.status !== "passed" && r.status !== "skipped") {
    return `${open}>\n      <skipped message="expected failure (--expected-failures): ${message}"/>\n    </testcase>`;
  }
  if (r.expectedFailure && r.status === "passed" && strict) {
    return `${open}>\n      <failure message="listed in --expected-failures but passes" type="UnexpectedPass"/>\n    </testcase>`;
  }
  switch (r.status) {
    case "passed":
      return r.note ? `${open}>\n      <system-out>${xmlEscape(r.note)}</system-out>\n    </testcase>` : `${open}/>`;
    case "skipped":
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    case "failed":
      return `${open}>\n      <failure message="${message}" type="${r.kind === "nondeterministic" ? "Nondeterministic" : "SnapshotMismatch"}">${body(r)}</failure>\n    </testcase>`;
    case "error":
      return `${open}>\n      <error message="${message}" type="AdapterError">${body(r)}</error>\n    </testcase>`;
  }
}

interface Suite {
  readonly xml: string;
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function testsuite(a: AdapterReport, run: RunReport): Suite {
  const c = countsOf(a);
  const cases = a.results.map((r) => testcase(a, r, run.strict));
  let errors = c.errored;
  if (a.fatal) {
    if (!a.fatal.optional) errors++;
    const detail = xmlEscape([a.fatal.message, `command: ${a.command}`, a.fatal.output ?? ""].join("\n"));
    const tag = a.fatal.optional ? `<skipped message="${xmlEscape(a.fatal.message)}"/>` : `<error message="${xmlEscape(a.fatal.message)}" type="Adapter${a.fatal.kind[0]!.toUpperCase()}${a.fatal.kind.slice(1)}">${detail}</error>`;
    cases.push(`    <testcase classname="${xmlEscape(a.name)}" name="(adapter ${a.fatal.kind})" time="0">\n      ${tag}\n    </testcase>`);
  }
  const failures = c.failed + (run.strict ? c.unexpectedPasses : 0);
  const skipped = c.skipped + c.expected + (a.fatal?.optional ? 1 : 0);
  const xml = [
    `  <testsuite name="${xmlEscape(a.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(a.durationMs)}" timestamp="${run.startedAt}">`,
    ...cases,
    "  </testsuite>",
  ].join("\n");
  return { xml, tests: cases.length, failures, errors, skipped };
}

export function renderJunit(run: RunReport): string {
  const suites = run.adapters.map((a) => testsuite(a, run));
  const sum = (k: "tests" | "failures" | "errors" | "skipped") => suites.reduce((n, s) => n + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rsm-conformance" tests="${sum("tests")}" failures="${sum("failures")}" errors="${sum("errors")}" skipped="${sum("skipped")}" time="${secs(run.durationMs)}">`,
    ...suites.map((s) => s.xml),
    "</testsuites>",
    "",
  ].join("\n");
}
