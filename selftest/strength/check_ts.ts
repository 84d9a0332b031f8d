// The check `npm run strength:ts` ends with: every StrykerJS survivor (Survived or NoCoverage) of the last run
// has a reviewed reason in selftest/strength/equivalent-ts.md, and every reason there still matches a survivor.
// Exits 1 with one line per problem, each naming the key and the change to make to the list.
//
//   tsx selftest/strength/check_ts.ts [--list] [REPORT]    (REPORT: .build/strength/stryker.json)
//
// --list prints every survivor too, with where it is and its reason (or UNREVIEWED), for reviewing.
//
// A key is `FILE FUNCTION MUTATOR "ORIGINAL" -> "REPLACEMENT"`: FUNCTION is the chain of named declarations
// that encloses the mutant (`Cluster.restart`, `decodeVerdict.field`; a module-level constant by its name;
// `(module)` for a top-level statement), found with TypeScript's parser; ORIGINAL is the mutated code as it
// stands in the report's copy of the source and REPLACEMENT StrykerJS's, both JSON strings with whitespace
// runs made one space, and past 80 characters cut to 64 plus "…#" and 8 hex digits of SHA-256 of the whole.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { JSON_STRING, compare, entryLine, parseEntries, type Survivor } from "./reviewed.js";

const LIST = "selftest/strength/equivalent-ts.md";

/** The subset of mutation-testing-report-schema (StrykerJS's JSON reporter) read here. */
interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>;
}
interface Position {
  readonly line: number;
  readonly column: number;
}
interface ReportMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: Position; readonly end: Position };
}

/** Code as a key quotes it: one line, and short enough to read, without two different texts meeting. */
export function keyText(code: string): string {
  const flat = code.replace(/\s+/g, " ");
  if (flat.length <= 80) return flat;
  return `${flat.slice(0, 64)}…#${createHash("sha256").update(flat).digest("hex").slice(0, 8)}`;
}

const isFunction = (n: ts.Node | undefined) => n !== undefined && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));

/** The name a declaration gives the code inside it, if it gives one. */
function nameOf(n: ts.Node, sf: ts.SourceFile, atModuleLevel: boolean): string | undefined {
  if (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isFunctionExpression(n)) return n.name?.text;
  if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isPropertyDeclaration(n)) {
    return n.name.getText(sf);
  }
  if (ts.isConstructorDeclaration(n)) return "constructor";
  if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && (atModuleLevel || isFunction(n.initializer))) return n.name.text;
  if (ts.isPropertyAssignment(n) && isFunction(n.initializer)) return n.name.getText(sf);
  return undefined;
}

/** The named declarations around the code from `start` to `end`, outermost first, joined by ".". */
export function enclosingName(sf: ts.SourceFile, start: number, end: number): string {
  const names: string[] = [];
  let node: ts.Node = sf;
  for (;;) {
    const inner: ts.Node | undefined = ts.forEachChild(node, (c) => (c.getStart(sf) <= start && end <= c.getEnd() ? c : undefined));
    if (inner === undefined) break;
    const name = nameOf(inner, sf, names.length === 0);
    if (name !== undefined) names.push(name);
    node = inner;
  }
  return names.length > 0 ? names.join(".") : "(module)";
}

export function tsKey(file: string, fn: string, mutator: string, original: string, replacement: string): string {
  return `${file} ${fn} ${mutator} ${JSON.stringify(keyText(original))} -> ${JSON.stringify(keyText(replacement))}`;
}

/** A key as an entry writes it: file, function, mutator, then the two texts as JSON strings. */
const KEY_PATTERN = `(\\S+) (\\S+) (\\w+) (${JSON_STRING}) -> (${JSON_STRING})`;
const canonical = (m: RegExpExecArray) => `${m[1]} ${m[2]} ${m[3]} ${JSON.stringify(JSON.parse(m[4]!))} -> ${JSON.stringify(JSON.parse(m[5]!))}`;

const SURVIVING = new Set(["Survived", "NoCoverage"]);
const DONE = new Set(["Killed", "Timeout", "Ignored", "CompileError", "RuntimeError"]);

export interface Measured {
  readonly survivors: Survivor[];
  readonly statuses: Map<string, number>;
  /** The report's copy of a source differs from the file now, or a mutant is still pending. */
  readonly problems: string[];
}

export function survivorsOf(report: Report, readSource: (file: string) => string | undefined): Measured {
  const survivors: Survivor[] = [];
  const statuses = new Map<string, number>();
  const problems: string[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const now = readSource(file);
    if (now !== undefined && now !== source) problems.push(`the report was made from another ${file} than the one here: rerun npm run strength:ts`);
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const lineStarts = sf.getLineStarts();
    const offset = (p: Position) => lineStarts[p.line - 1]! + p.column - 1;
    const sorted = [...mutants].sort((a, b) => offset(a.location.start) - offset(b.location.start) || a.mutatorName.localeCompare(b.mutatorName));
    for (const m of sorted) {
      statuses.set(m.status, (statuses.get(m.status) ?? 0) + 1);
      if (!SURVIVING.has(m.status)) {
        if (!DONE.has(m.status)) problems.push(`a mutant in ${file} has status ${m.status}: the run did not finish`);
        continue;
      }
      const start = offset(m.location.start);
      const end = offset(m.location.end);
      const key = tsKey(file, enclosingName(sf, start, end), m.mutatorName, source.slice(start, end), m.replacement ?? "");
      survivors.push({ key, where: `${file}:${m.location.start.line}:${m.location.start.column} ${m.status}` });
    }
  }
  return { survivors, statuses, problems };
}

function main(args: string[]): number {
  const list = args.includes("--list");
  const reportFile = args.find((a) => !a.startsWith("--")) ?? ".build/strength/stryker.json";
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as Report;
  const { survivors, statuses, problems } = survivorsOf(report, (file) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  });
  const parsed = parseEntries(readFileSync(LIST, "utf8"), KEY_PATTERN, canonical);
  problems.push(...parsed.problems.map((p) => `${LIST}: ${p}`), ...compare(survivors, parsed.entries, LIST));
  if (list) {
    const reasons = new Map(parsed.entries.map((e) => [e.key, e.reason]));
    for (const s of survivors) console.log(`${s.where}: ${entryLine(s.key, 1, reasons.get(s.key) ?? "UNREVIEWED")}`);
  }
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const count = (s: string) => statuses.get(s) ?? 0;
  const errors = count("CompileError") + count("RuntimeError");
  const keys = new Set(survivors.map((s) => s.key)).size;
  console.log(
    `strength:ts: ${total} mutants: ${count("Killed")} killed, ${count("Timeout")} timed out, ${count("Survived")} survived, ` +
      `${count("NoCoverage")} without coverage, ${count("Ignored")} ignored (// Stryker disable), ${errors} compile or runtime errors; ` +
      `${survivors.length} survivors under ${keys} keys, ${parsed.entries.length} entries in ${LIST}`,
  );
  for (const p of problems) console.error(`strength:ts: ${p}`);
  if (problems.length === 0) console.log(`strength:ts: every survivor is reviewed and every reviewed entry still survives`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
