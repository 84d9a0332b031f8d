// The reviewed lists of mutation-tool survivors (selftest/strength/equivalent-*.md) and the check both
// strength commands end with: every survivor's key has an entry, and every entry still matches a survivor.
// A key names a mutant by what it does and where it sits in the code's structure (enclosing function, mutator,
// original and replacement text), never by line or column, so an edit elsewhere in a file does not re-key it.
// Several mutants may share a key (the same `-1` -> `+1` twice in one function): the entry then says how many,
// " xN", and the check holds it to that number, so a new survivor with a reviewed key is still caught.

/** A mutant that no kill signal caught, with its key and where it is, for people (file:line:column, status). */
export interface Survivor {
  readonly key: string;
  readonly where: string;
}

/** One line of a reviewed list: `- KEY[ xN]: REASON`, N when more than one mutant shares the key. */
export interface Entry {
  readonly key: string;
  readonly count: number;
  readonly reason: string;
  /** 1-based line in the list's file. */
  readonly line: number;
}

/** Where the entries start: every line beginning with "- " after this heading is one. */
export const ENTRIES_HEADING = "## Reviewed survivors";

/** A JSON string, as keys quote code: any character can appear in it, and it ends at the first unescaped quote. */
export const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;

/** The key as it is written in an entry, plus " xN" for N > 1. */
export function entryLine(key: string, count: number, reason: string): string {
  return `- ${key}${count > 1 ? ` x${count}` : ""}: ${reason}`;
}

/**
 * Reads the entries of a reviewed list. `keyPattern` matches one key (a regular expression source without
 * anchors or flags) and `canonical` rewrites a match into the key as the check computes it, so spacing or JSON
 * escapes written differently still match. Lines that are not entries are problems.
 */
export function parseEntries(
  text: string,
  keyPattern: string,
  canonical: (match: RegExpExecArray) => string,
): { entries: Entry[]; problems: string[] } {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === ENTRIES_HEADING);
  if (start < 0) return { entries: [], problems: [`no "${ENTRIES_HEADING}" heading: the entries follow it, one "- KEY: REASON" line each`] };
  const keyOnly = new RegExp(`^${keyPattern}$`);
  const entryRe = new RegExp(`^- (${keyPattern})(?: x(\\d+))?: (.*\\S.*)$`);
  const entries: Entry[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (!text.startsWith("- ")) continue;
    const m = entryRe.exec(text);
    if (!m) {
      problems.push(`line ${i + 1} is not "- KEY[ xN]: REASON": ${text}`);
      continue;
    }
    const key = canonical(keyOnly.exec(m[1]!)!);
    const count = m[m.length - 2] === undefined ? 1 : Number(m[m.length - 2]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(`line ${i + 1} repeats the key of line ${earlier} (give one entry " xN" instead): ${text}`);
      continue;
    }
    seen.set(key, i + 1);
    entries.push({ key, count, reason: m[m.length - 1]!, line: i + 1 });
  }
  return { entries, problems };
}

/**
 * One line per problem, each naming its key and saying what to change in the list: an unreviewed survivor
 * with the entry to paste (REASON to be written), a stale entry with the line to remove, a count that moved
 * with the line as it should now read.
 */
export function compare(survivors: readonly Survivor[], entries: readonly Entry[], list: string): string[] {
  const byKey = new Map<string, Survivor[]>();
  for (const s of survivors) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  const reviewed = new Map(entries.map((e) => [e.key, e]));
  const problems: string[] = [];
  for (const [key, found] of byKey) {
    const e = reviewed.get(key);
    const at = found.map((s) => s.where).join(", ");
    if (e === undefined) {
      problems.push(`unreviewed survivor (${at}): kill it with a vector, or add to ${list}: ${entryLine(key, found.length, "REASON")}`);
    } else if (e.count !== found.length) {
      const what = found.length > e.count ? "unreviewed survivor" : "stale count";
      problems.push(`${what}: ${found.length} survive (${at}) but line ${e.line} of ${list} says ${e.count}: make it ${entryLine(key, found.length, e.reason)}`);
    }
  }
  for (const e of entries) {
    if (!byKey.has(e.key)) problems.push(`stale reason: no survivor has this key any more: remove line ${e.line} of ${list}: ${entryLine(e.key, e.count, e.reason)}`);
  }
  return problems;
}
