// SPEC.md's rule index (section 9) as data: rule id -> one-line summary. Read from SPEC.md itself, once and
// only when first asked for, so the summaries a failure report prints are the ones the contract states.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * SPEC.md at the repository root, found by walking up from this module's own location: from common/ in the
 * sources, from .build/rsm-STAMP/ in the bundle that cli/launch.mjs runs.
 */
export const SPEC_PATH = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "SPEC.md");
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return fileURLToPath(new URL("../SPEC.md", import.meta.url));
    dir = parent;
  }
})();

const INDEX_HEADING = /^## 9\. Rule index\s*$/;
const ROW = /^\|\s*(R-[A-Z]+-\d+)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$/;

export interface RuleIndexRow {
  readonly id: string;
  readonly kind: string;
  readonly summary: string;
}

/**
 * The rows of the rule index in SPEC.md text, in order. Strict, so the index stays machine-readable: every
 * table row of the section must name exactly one rule id, and no id may appear twice.
 */
export function parseRuleIndex(spec: string): RuleIndexRow[] {
  const lines = spec.split(/\r?\n/);
  const start = lines.findIndex((l) => INDEX_HEADING.test(l));
  if (start < 0) throw new Error("SPEC.md has no '## 9. Rule index' section");
  const rows: RuleIndexRow[] = [];
  const seen = new Set<string>();
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,2} /.test(line)) break; // the next section
    if (!line.startsWith("|")) continue;
    if (/^\|\s*id\s*\|/.test(line) || /^\|[\s|:-]+\|$/.test(line)) continue; // header and separator
    const m = ROW.exec(line);
    if (!m) throw new Error(`SPEC.md line ${i + 1}: a rule index row must be | R-XXX-N | kind | summary |, got: ${line}`);
    const id = m[1]!;
    const kind = m[2]!;
    const summary = m[3]!;
    if (seen.has(id)) throw new Error(`SPEC.md line ${i + 1}: ${id} has a second row in the rule index`);
    seen.add(id);
    rows.push({ id, kind, summary });
  }
  if (rows.length === 0) throw new Error("SPEC.md's rule index has no rows");
  return rows;
}

let cached: ReadonlyMap<string, string> | undefined;

/** Rule id -> summary, from SPEC.md's rule index. Read synchronously on first use, then kept. */
export function specRuleSummaries(): ReadonlyMap<string, string> {
  cached ??= new Map(parseRuleIndex(readFileSync(SPEC_PATH, "utf8")).map((r) => [r.id, r.summary]));
  return cached;
}

/** The summary SPEC.md gives a rule, or undefined for an id that is not in its index. */
export function ruleSummary(id: string): string | undefined {
  return specRuleSummaries().get(id);
}
