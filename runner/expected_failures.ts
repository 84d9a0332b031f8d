// Known divergences of a port (protobuf's failure lists): a listed scenario that fails does not fail the
// run, and a listed scenario that passes fails it (unless --no-strict), so the list never goes stale.
// Format: one scenario name per line, optionally preceded by an adapter name to apply to that adapter only;
// `#` starts a comment, and a comment that starts with a rule id (`keys/x  # R-STORE-1`) is the reason the
// scenario is expected to fail for: failing for another is a new failure. An adapter name that is not one
// plain word (a space, `#`, `"`, `\`, a control character: an --exec adapter goes by its hello's name, which
// may hold anything) is written as a JSON string, `"my port" keys/x`, so that every list the kit writes
// reads back as the same entries.
import { UsageError } from "../common/errors.js";
import { writeOutput } from "../common/output.js";
import { FileRefused, LIST_FILE, readInputText } from "../common/read_file.js";
import type { ScenarioResult } from "./model.js";

export interface ExpectedFailures {
  has(adapter: string, scenario: string): boolean;
  /** The rule a listed failure is expected for, or null when its entry names none. */
  rule(adapter: string, scenario: string): string | null;
  readonly size: number;
}

export const NO_EXPECTED_FAILURES: ExpectedFailures = { has: () => false, rule: () => null, size: 0 };

/**
 * A listed failure that fails for another reason than its entry names is not the expected one: the result
 * is returned as unexpected, its reason saying so. Otherwise the result as it is.
 */
export function checkExpectedReason(expected: ExpectedFailures, adapter: string, r: ScenarioResult): ScenarioResult {
  if (!r.expectedFailure || r.status === "passed" || r.status === "skipped") return r;
  const rule = expected.rule(adapter, r.name);
  if (rule === null || r.diagnosis?.rules.includes(rule) || r.reason?.includes(rule)) return r;
  return { ...r, expectedFailure: false, reason: `${r.reason ?? ""} (listed in --expected-failures as failing for ${rule}, but this is another failure)` };
}

/** An entry of a list: a scenario, for one adapter or (adapter null) for every adapter. */
interface Entry {
  readonly adapter: string | null;
  readonly scenario: string;
}

/** One word that `parseLine` reads back as itself: no space of any kind, no quote, `#`, backslash, control character or lone surrogate. */
const PLAIN = /^[^\s"#\\\p{Cc}\p{Cs}]+$/u;

/** An adapter name as a list writes it: as it is when it is a plain word, else as a JSON string. */
export function quoteAdapter(name: string): string {
  return PLAIN.test(name) ? name : JSON.stringify(name);
}

/** The line for an entry: `SCENARIO` or `ADAPTER SCENARIO`, the adapter quoted as it needs. */
export function entryText(e: Entry): string {
  return e.adapter === null ? e.scenario : `${quoteAdapter(e.adapter)} ${e.scenario}`;
}

/** A Map key for an entry that no two entries share, whatever their names hold. */
const keyOf = (e: Entry): string => JSON.stringify([e.adapter, e.scenario]);

/** Where the JSON string that `text` starts with ends (the index of its closing quote), or -1 when it does not. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

type ParsedLine = { entry: Entry; comment: string | null } | { entry: null; comment: string | null } | { problem: string };

/**
 * One line of a list: its entry (null for a blank or comment-only line) and the comment after it, or why it
 * is none. A quoted adapter name is read first, so a `#` or a space inside it is part of the name.
 */
function parseLine(raw: string): ParsedLine {
  let rest = raw.trimStart();
  let adapter: string | null = null;
  if (rest.startsWith('"')) {
    const end = closingQuote(rest);
    if (end === -1) return { problem: "a quoted adapter name without its closing quote" };
    try {
      adapter = JSON.parse(rest.slice(0, end + 1)) as string;
    } catch {
      return { problem: `a quoted adapter name that is not a JSON string: ${rest.slice(0, end + 1)}` };
    }
    rest = rest.slice(end + 1);
    if (rest !== "" && !/^\s/.test(rest)) return { problem: "no space after the quoted adapter name" };
  }
  const hash = rest.indexOf("#");
  const comment = hash === -1 ? null : rest.slice(hash + 1).trim();
  const words = (hash === -1 ? rest : rest.slice(0, hash)).trim().split(/\s+/).filter((w) => w !== "");
  if (adapter === null && words.length === 0) return { entry: null, comment };
  if (adapter !== null) return words.length === 1 ? { entry: { adapter, scenario: words[0]! }, comment } : { problem: "expected one scenario after the quoted adapter name" };
  if (words.length === 1) return { entry: { adapter: null, scenario: words[0]! }, comment };
  if (words.length === 2) return { entry: { adapter: words[0]!, scenario: words[1]! }, comment };
  return { problem: "too many words" };
}

/** The rule a comment names first, the reason the entry is expected to fail for. */
const ruleOf = (comment: string | null): string | null => (comment === null ? null : (/^(R-[A-Z]+-\d+)/.exec(comment)?.[1] ?? null));

export function parseExpectedFailures(text: string, file: string, known: ReadonlySet<string>): ExpectedFailures {
  const everywhere = new Map<string, string | null>();
  const perAdapter = new Map<string, string | null>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const parsed = parseLine(raw);
    const where = `--expected-failures ${file} line ${i + 1}`;
    if ("problem" in parsed) {
      throw new UsageError(`${where}: expected "SCENARIO" or "ADAPTER SCENARIO" (an adapter name with a space, # or " in it written as a JSON string), got ${JSON.stringify(raw.trim())}: ${parsed.problem}`);
    }
    const { entry, comment } = parsed;
    if (entry === null) return;
    if (!known.has(entry.scenario)) throw new UsageError(`${where}: no scenario named ${JSON.stringify(entry.scenario)} in the corpus`);
    if (entry.adapter !== null) perAdapter.set(keyOf(entry), ruleOf(comment));
    else everywhere.set(entry.scenario, ruleOf(comment));
  });
  return {
    has: (adapter, scenario) => everywhere.has(scenario) || perAdapter.has(keyOf({ adapter, scenario })),
    rule: (adapter, scenario) => perAdapter.get(keyOf({ adapter, scenario })) ?? everywhere.get(scenario) ?? null,
    size: everywhere.size + perAdapter.size,
  };
}

export async function loadExpectedFailures(files: readonly string[], known: ReadonlySet<string>): Promise<ExpectedFailures> {
  const lists: ExpectedFailures[] = [];
  for (const file of files) {
    const text = await readInputText(file, LIST_FILE, { label: `--expected-failures ${file}` });
    lists.push(parseExpectedFailures(text, file, known));
  }
  return {
    has: (adapter, scenario) => lists.some((l) => l.has(adapter, scenario)),
    rule: (adapter, scenario) => lists.find((l) => l.has(adapter, scenario))?.rule(adapter, scenario) ?? null,
    size: lists.reduce((n, l) => n + l.size, 0),
  };
}

/**
 * The list a run asks for (--update-expected-failures): every failure and error of the run, one line each,
 * `ADAPTER SCENARIO  # RULE` with the likely rule first named by its diagnosis or reason (the adapter is left
 * out when one adapter ran). Scenarios that pass are no longer in it; an entry's own comment is kept when
 * the scenario still fails.
 */
export function updatedList(previous: string, adapters: readonly { name: string; results: readonly ScenarioResult[] }[]): { text: string; added: string[]; removed: string[] } {
  const comments = new Map<string, string>();
  // Entry text by key: what was listed before, in its own words. A line that does not read is left out.
  const before = new Map<string, string>();
  for (const raw of previous.split(/\r?\n/)) {
    const parsed = parseLine(raw);
    if ("problem" in parsed || parsed.entry === null) continue;
    before.set(keyOf(parsed.entry), entryText(parsed.entry));
    if (parsed.comment) comments.set(keyOf(parsed.entry), parsed.comment);
  }
  const one = adapters.length === 1;
  const lines: string[] = [];
  const after = new Map<string, string>();
  for (const a of adapters) {
    for (const r of a.results) {
      if (r.status !== "failed" && r.status !== "error") continue;
      const entry: Entry = { adapter: one ? null : a.name, scenario: r.name };
      const keep = comments.get(keyOf(entry)) ?? comments.get(keyOf({ adapter: null, scenario: r.name }));
      const rule = r.diagnosis?.rules[0] ?? /\b(R-[A-Z]+-\d+)\b/.exec(r.reason ?? "")?.[1] ?? null;
      const text = entryText(entry);
      after.set(keyOf(entry), text);
      lines.push(keep ? `${text}  # ${keep}` : rule ? `${text}  # ${rule}` : text);
    }
  }
  const header = "# Known failures (rsm conformance --expected-failures). Written by --update-expected-failures;\n# a comment that starts with a rule id is the reason an entry is expected to fail for.\n";
  return {
    text: `${header}${lines.join("\n")}${lines.length > 0 ? "\n" : ""}`,
    added: [...after].filter(([k]) => !before.has(k)).map(([, t]) => t),
    removed: [...before].filter(([k]) => !after.has(k)).map(([, t]) => t),
  };
}

/**
 * The list --update-expected-failures will rewrite, read before the run so that a path that is no regular
 * file (a FIFO, a directory) or over the limit costs no run: "" when there is none yet.
 */
export async function readListToUpdate(file: string): Promise<string> {
  try {
    return await readInputText(file, LIST_FILE, { label: `--update-expected-failures ${file}` });
  } catch (err) {
    if (err instanceof FileRefused && err.code === "ENOENT") return "";
    throw err;
  }
}

/** --update-expected-failures: rewrites `file` (its text before the run: `previous`) to list what failed now, and says what changed. */
export async function updateListFile(file: string, previous: string, adapters: readonly { name: string; results: readonly ScenarioResult[] }[], note: (line: string) => void): Promise<void> {
  const u = updatedList(previous, adapters);
  await writeOutput(file, u.text);
  const some = (names: string[]) => (names.length ? ` (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""})` : "");
  note(`updated ${file}: ${u.added.length} added${some(u.added)}, ${u.removed.length} removed${some(u.removed)}`);
}
