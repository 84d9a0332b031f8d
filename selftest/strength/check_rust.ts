// The check `npm run strength:rust` (scripts/strength_rust.sh) ends with: every mutant cargo-mutants missed in
// the last run has a reviewed reason in selftest/strength/equivalent-rust.md, and every reason there still
// matches a missed mutant. Exits 1 with one line per problem, each naming the key and the change to make.
//
//   tsx selftest/strength/check_rust.ts [--list] [OUTCOMES]    (OUTCOMES: .build/strength/mutants.out/outcomes.json)
//
// --list prints every missed mutant too, with where it is and its reason (or UNREVIEWED).
//
// A key is `FILE "DESCRIPTION"`: cargo-mutants' own description of the mutant without its line and column,
// as `cargo mutants --line-col=false` prints it (`replace + with - in decode_snapshot`, `replace Store::len ->
// usize with 0`): the genre's verb, the original and replacement text, and the enclosing function with its
// impl (`<impl Display for DecodeError>::fmt`), all of which an edit elsewhere in the file leaves alone.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { JSON_STRING, compare, entryLine, parseEntries, type Survivor } from "./reviewed.js";

const LIST = "selftest/strength/equivalent-rust.md";

/** The subset of cargo-mutants 27.1.0's outcomes.json (LabOutcome) read here. */
interface Outcomes {
  readonly outcomes: readonly {
    readonly scenario: "Baseline" | { readonly Mutant: OutcomeMutant };
    readonly summary: string;
  }[];
  readonly total_mutants: number;
  readonly missed: number;
  readonly caught: number;
  readonly timeout: number;
  readonly unviable: number;
  readonly start_time: string;
  readonly end_time: string | null;
  readonly cargo_mutants_version: string;
}
interface OutcomeMutant {
  /** `FILE:LINE:COLUMN: DESCRIPTION` */
  readonly name: string;
  readonly file: string;
  readonly span: { readonly start: { readonly line: number; readonly column: number } };
}

export function rustKey(file: string, description: string): string {
  return `${file} ${JSON.stringify(description)}`;
}

const KEY_PATTERN = `(\\S+) (${JSON_STRING})`;
const canonical = (m: RegExpExecArray) => rustKey(m[1]!, JSON.parse(m[2]!) as string);

export function missedOf(o: Outcomes): { survivors: Survivor[]; problems: string[] } {
  const survivors: Survivor[] = [];
  const problems: string[] = [];
  for (const { scenario, summary } of o.outcomes) {
    if (scenario === "Baseline") continue;
    if (summary !== "MissedMutant") continue;
    const m = scenario.Mutant;
    const where = `${m.file}:${m.span.start.line}:${m.span.start.column}`;
    if (!m.name.startsWith(`${where}: `)) {
      problems.push(`cannot read the description of "${m.name}" (expected it to start "${where}: ")`);
      continue;
    }
    survivors.push({ key: rustKey(m.file, m.name.slice(where.length + 2)), where });
  }
  return { survivors, problems };
}

function main(args: string[]): number {
  const list = args.includes("--list");
  const file = args.find((a) => !a.startsWith("--")) ?? ".build/strength/mutants.out/outcomes.json";
  const o = JSON.parse(readFileSync(file, "utf8")) as Outcomes;
  const { survivors, problems } = missedOf(o);
  if (o.end_time === null) problems.push(`${file} has no end_time: the run did not finish`);
  const parsed = parseEntries(readFileSync(LIST, "utf8"), KEY_PATTERN, canonical);
  problems.push(...parsed.problems.map((p) => `${LIST}: ${p}`), ...compare(survivors, parsed.entries, LIST));
  if (list) {
    const reasons = new Map(parsed.entries.map((e) => [e.key, e.reason]));
    for (const s of survivors) console.log(`${s.where}: ${entryLine(s.key, 1, reasons.get(s.key) ?? "UNREVIEWED")}`);
  }
  const seconds = o.end_time === null ? NaN : (Date.parse(o.end_time) - Date.parse(o.start_time)) / 1000;
  const keys = new Set(survivors.map((s) => s.key)).size;
  console.log(
    `strength:rust: cargo-mutants ${o.cargo_mutants_version}: ${o.total_mutants} mutants: ${o.caught} caught, ${o.missed} missed, ` +
      `${o.timeout} timed out, ${o.unviable} unviable, in ${Math.round(seconds)} s; ${survivors.length} missed under ${keys} keys, ` +
      `${parsed.entries.length} entries in ${LIST}`,
  );
  for (const p of problems) console.error(`strength:rust: ${p}`);
  if (problems.length === 0) console.log(`strength:rust: every missed mutant is reviewed and every reviewed entry is still missed`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
