// How well the corpus pins SPEC.md's rules through the rules its vectors declare (issue 23). A run ranks rules
// by how well they separate an adapter's failing vectors from its passing ones, so a rule that no vector
// declares can never be named, and one that a single vector declares is named on one failure's say-so, as
// readily for a port that broke something else there. So every vector declares at least one rule, and every
// rule a vector can observe is declared by at least two. The rules no vector can observe (a rejection rule
// refuses the scenario before any port sees it; a protocol rule is about the conversation, not a snapshot's
// bytes) are listed in one file, each with why and where it is pinned instead, and the list is held to the
// corpus: a listed rule that a vector declares, or an id SPEC.md lacks, is a problem.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseRuleIndex } from "../common/spec_rules.js";
import { DECODE_DIR, SCENARIOS_DIR, listJson } from "./scenario_files.js";

export const UNOBSERVABLE_FILE = "vectors/unobservable-rules.json";
const INVALID_DIR = "vectors/invalid";
const INVALID_EXPECTED = "vectors/invalid-expected.json";

/** Fewer would let one vector's failure, whatever broke it, name the rule. */
export const MIN_DECLARING = 2;

export interface UnobservableRule {
  readonly why: string;
  /** Files that pin the rule instead: a vectors/invalid/ fixture rejected with it, a test, a check. */
  readonly pinned_by: readonly string[];
}

export interface CorpusRules {
  /** SPEC.md's rule index, in order. */
  readonly index: readonly string[];
  /** Vector name (e.g. "keys/nine-vs-ten", "decode/crc-wrong") -> the rules it declares, main one first. */
  readonly declared: ReadonlyMap<string, readonly string[]>;
  readonly unobservable: ReadonlyMap<string, UnobservableRule>;
  /** vectors/invalid/ file name -> the rules vectors/invalid-expected.json says it is rejected with. */
  readonly invalidExpected: ReadonlyMap<string, readonly string[]>;
  /** Whether a repository path (a pinned_by entry) exists. */
  readonly exists: (repoPath: string) => boolean;
}

/** Rule id -> the vectors declaring it, in the order of `declared`. */
export function declaringVectors(declared: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const [name, rules] of declared) for (const r of rules) by.set(r, [...(by.get(r) ?? []), name]);
  return by;
}

function named(vectors: readonly string[]): string {
  return vectors.length === 0 ? "none" : vectors.length <= 4 ? vectors.join(", ") : `${vectors.slice(0, 4).join(", ")} and ${vectors.length - 4} more`;
}

/** One line per problem; none when the corpus declares what it should. */
export function coverageProblems(c: CorpusRules): string[] {
  const problems: string[] = [];
  const index = new Set(c.index);
  for (const [name, rules] of c.declared) {
    if (rules.length === 0) problems.push(`${name}: declares no rules; expected "rules": the one or few rules of SPEC.md's index it was written to pin, main one first (docs/corpus.md)`);
  }
  const by = declaringVectors(c.declared);
  for (const id of c.index) {
    const vectors = by.get(id) ?? [];
    if (c.unobservable.has(id)) {
      if (vectors.length > 0) problems.push(`${UNOBSERVABLE_FILE} ${id}: listed as observable by no vector, but declared by ${named(vectors)}; expected it either declared or listed, not both`);
    } else if (vectors.length < MIN_DECLARING) {
      problems.push(`${id}: declared by ${vectors.length} vector(s) (${named(vectors)}); expected at least ${MIN_DECLARING}, or an entry in ${UNOBSERVABLE_FILE} saying why no vector can observe it`);
    }
  }
  for (const [id, entry] of c.unobservable) {
    if (!index.has(id)) {
      problems.push(`${UNOBSERVABLE_FILE} ${id}: no such rule in SPEC.md's rule index (section 9)`);
      continue;
    }
    entry.pinned_by.forEach((p, i) => {
      const where = `${UNOBSERVABLE_FILE} ${id}.pinned_by[${i}]`;
      if (!c.exists(p)) problems.push(`${where}: ${p} does not exist; expected a file that pins ${id}`);
      else if (p.startsWith(`${INVALID_DIR}/`) && !(c.invalidExpected.get(p.slice(INVALID_DIR.length + 1)) ?? []).includes(id)) {
        problems.push(`${where}: ${INVALID_EXPECTED} does not say ${p} is rejected with ${id}`);
      }
    });
  }
  return problems;
}

/** The list, checked for shape: entries, plus one line per malformed one (naming its JSON path). */
export function parseUnobservable(text: string): { entries: Map<string, UnobservableRule>; problems: string[] } {
  const entries = new Map<string, UnobservableRule>();
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { entries, problems: [`${UNOBSERVABLE_FILE}: not JSON (${(err as Error).message}); expected an object of rule id -> {why, pinned_by}`] };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { entries, problems: [`${UNOBSERVABLE_FILE} (root): expected an object of rule id -> {why, pinned_by}`] };
  for (const [id, v] of Object.entries(doc)) {
    const e = v as Partial<Record<string, unknown>> | null;
    const why = e?.why;
    const pinned = e?.pinned_by;
    if (typeof why !== "string" || why.trim() === "") problems.push(`${UNOBSERVABLE_FILE} ${id}.why: expected a non-empty string saying why no vector can observe ${id}`);
    else if (!Array.isArray(pinned) || pinned.length === 0 || !pinned.every((p) => typeof p === "string" && p !== "")) {
      problems.push(`${UNOBSERVABLE_FILE} ${id}.pinned_by: expected a non-empty array of repository paths of what pins ${id} instead`);
    } else entries.set(id, { why, pinned_by: pinned as string[] });
  }
  return { entries, problems };
}

function rulesOf(root: string, dir: string, rel: string): readonly string[] {
  const doc = JSON.parse(readFileSync(path.join(root, dir, rel), "utf8")) as { rules?: readonly string[] };
  return doc.rules ?? [];
}

/** The corpus below root as CorpusRules, and the list's own shape problems. */
export async function readCorpusRules(root: string): Promise<{ corpus: CorpusRules; problems: string[] }> {
  const declared = new Map<string, readonly string[]>();
  for (const rel of await listJson(path.join(root, SCENARIOS_DIR))) declared.set(rel.replace(/\.json$/, ""), rulesOf(root, SCENARIOS_DIR, rel));
  for (const rel of await listJson(path.join(root, DECODE_DIR))) declared.set(`decode/${rel.replace(/\.json$/, "")}`, rulesOf(root, DECODE_DIR, rel));
  const { entries, problems } = parseUnobservable(readFileSync(path.join(root, UNOBSERVABLE_FILE), "utf8"));
  const expected = JSON.parse(readFileSync(path.join(root, INVALID_EXPECTED), "utf8")) as Record<string, readonly { rule: string }[]>;
  const corpus: CorpusRules = {
    index: parseRuleIndex(readFileSync(path.join(root, "SPEC.md"), "utf8")).map((r) => r.id),
    declared,
    unobservable: entries,
    invalidExpected: new Map(Object.entries(expected).map(([f, es]) => [f, es.map((e) => e.rule)])),
    exists: (p) => existsSync(path.join(root, p)),
  };
  return { corpus, problems };
}
