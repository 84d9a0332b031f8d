// Known divergences of a port (protobuf's failure lists): a listed scenario that fails does not fail the
// run, and a listed scenario that passes fails it (unless --no-strict), so the list never goes stale.
// Format: one scenario name per line, optionally preceded by an adapter name to apply to that adapter only;
// `#` starts a comment, and a comment that starts with a rule id (`keys/x  # R-STORE-1`) is the reason the
// scenario is expected to fail for: failing for another is a new failure.
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

export function parseExpectedFailures(text: string, file: string, known: ReadonlySet<string>): ExpectedFailures {
  const everywhere = new Map<string, string | null>();
  const perAdapter = new Map<string, string | null>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    const rule = /#\s*(R-[A-Z]+-\d+)/.exec(raw)?.[1] ?? null;
    if (line === "") return;
    const words = line.split(/\s+/);
    const where = `--expected-failures ${file} line ${i + 1}`;
    if (words.length > 2) throw new UsageError(`${where}: expected "SCENARIO" or "ADAPTER SCENARIO", got ${JSON.stringify(line)}`);
    const scenario = words[words.length - 1]!;
    if (!known.has(scenario)) throw new UsageError(`${where}: no scenario named ${JSON.stringify(scenario)} in the corpus`);
    if (words.length === 2) perAdapter.set(`${words[0]} ${scenario}`, rule);
    else everywhere.set(scenario, rule);
  });
  return {
    has: (adapter, scenario) => everywhere.has(scenario) || perAdapter.has(`${adapter} ${scenario}`),
    rule: (adapter, scenario) => perAdapter.get(`${adapter} ${scenario}`) ?? everywhere.get(scenario) ?? null,
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
  const before = new Set<string>();
  for (const raw of previous.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    before.add(line.split(/\s+/).join(" "));
    const comment = /#(.*)$/.exec(raw)?.[1]?.trim();
    if (comment) comments.set(line.split(/\s+/).join(" "), comment);
  }
  const one = adapters.length === 1;
  const lines: string[] = [];
  const after = new Set<string>();
  for (const a of adapters) {
    for (const r of a.results) {
      if (r.status !== "failed" && r.status !== "error") continue;
      const entry = one ? r.name : `${a.name} ${r.name}`;
      const keep = comments.get(entry) ?? comments.get(r.name);
      const rule = r.diagnosis?.rules[0] ?? /\b(R-[A-Z]+-\d+)\b/.exec(r.reason ?? "")?.[1] ?? null;
      after.add(entry);
      lines.push(keep ? `${entry}  # ${keep}` : rule ? `${entry}  # ${rule}` : entry);
    }
  }
  const header = "# Known failures (rsm conformance --expected-failures). Written by --update-expected-failures;\n# a comment that starts with a rule id is the reason an entry is expected to fail for.\n";
  return {
    text: `${header}${lines.join("\n")}${lines.length > 0 ? "\n" : ""}`,
    added: [...after].filter((e) => !before.has(e)),
    removed: [...before].filter((e) => !after.has(e)),
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
