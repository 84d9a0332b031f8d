// SPEC.md's rule index is complete and machine-readable, and nothing in the repository cites a rule id it
// does not define: a dangling id in a validator message, a port's error or a document would send a reader
// looking for a rule that does not exist.
import { execFileSync } from "node:child_process";
import { lstatSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRuleIndex, ruleSummary, SPEC_PATH, specRuleSummaries } from "./spec_rules.js";

const ROOT = path.dirname(SPEC_PATH);
const SCANNED = /\.(ts|mjs|json|md|rs|go|cpp|h|sh)$/;
/** A rule id, or a cited range of them such as R-INCR-1..3. */
const CITATION = /R-([A-Z]+)-(\d+)(?:\.\.(\d+))?/g;

/** Every id a piece of text cites, ranges expanded, with a problem for a range that runs backwards. */
function citedIds(text: string): { ids: string[]; bad: string[] } {
  const ids: string[] = [];
  const bad: string[] = [];
  for (const m of text.matchAll(CITATION)) {
    const from = Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    if (to < from) bad.push(m[0]);
    for (let n = from; n <= to; n++) ids.push(`R-${m[1]}-${n}`);
  }
  return { ids, bad };
}

/** Files git tracks, plus new ones not yet added (so a fresh file is checked before its first commit). */
function repoFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  return [...new Set(out.split("\0"))].filter((f) => SCANNED.test(f)).sort();
}

describe("SPEC.md rule index", () => {
  const spec = readFileSync(SPEC_PATH, "utf8");
  const indexStart = spec.indexOf("## 9. Rule index");

  it("has one row per rule, each with its own summary", () => {
    const rows = parseRuleIndex(spec);
    expect(rows.length).toBeGreaterThan(60);
    for (const r of rows) {
      expect(r.id).toMatch(/^R-[A-Z]+-\d+$/);
      expect(["behaviour", "invalid", "invalid / behaviour", "protocol", "decode"]).toContain(r.kind);
      expect(r.summary.length).toBeGreaterThan(5);
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("indexes exactly the rules the body defines", () => {
    expect(indexStart).toBeGreaterThan(0);
    const defined = new Set([...spec.slice(0, indexStart).matchAll(/\*\*(R-[A-Z]+-\d+)\*\*/g)].map((m) => m[1]!));
    const indexed = new Set(specRuleSummaries().keys());
    expect([...defined].filter((id) => !indexed.has(id)), "defined in the body, missing from the index").toEqual([]);
    expect([...indexed].filter((id) => !defined.has(id)), "in the index, defined nowhere in the body").toEqual([]);
  });

  it("rejects a row that names a range or a list of ids", () => {
    const head = "# SPEC\n\n## 9. Rule index\n\n| id | kind | summary |\n|---|---|---|\n| R-PUT-1 | behaviour | put |\n";
    expect(parseRuleIndex(head)).toEqual([{ id: "R-PUT-1", kind: "behaviour", summary: "put" }]);
    expect(() => parseRuleIndex(`${head}| R-LOG-1..3 | behaviour | entries |\n`)).toThrow(/line 8/);
    expect(() => parseRuleIndex(`${head}| R-PART-2, R-PART-3 | invalid | partition |\n`)).toThrow(/must be/);
    expect(() => parseRuleIndex(`${head}| R-PUT-1 | behaviour | put again |\n`)).toThrow(/second row/);
    expect(() => parseRuleIndex("# SPEC\n")).toThrow(/no '## 9. Rule index'/);
  });

  it("gives the summaries the failure report prints, in SPEC.md's words", () => {
    expect(ruleSummary("R-CLUSTER-5")).toBe("majority = floor(N / 2) + 1, counted over all N nodes");
    expect(ruleSummary("R-WIRE-7")).toBe("crc: CRC-32C of every byte before it, unsigned big-endian");
    expect(ruleSummary(["R", "NOPE", "1"].join("-"))).toBeUndefined();
  });
});

describe("rule ids cited in the repository", () => {
  it("expands ranges and finds every id", () => {
    expect(citedIds("see R-INCR-1..3 and R-WIRE-7.").ids).toEqual(["R-INCR-1", "R-INCR-2", "R-INCR-3", "R-WIRE-7"]);
    const backwards = ["R", "CAS", "3..1"].join("-"); // spelt apart so the scan below does not find it here
    expect(citedIds(backwards).bad).toEqual([backwards]);
  });

  it("every cited id is in SPEC.md's rule index", () => {
    const known = specRuleSummaries();
    const files = repoFiles();
    expect(files).toContain("SPEC.md");
    expect(files).toContain("runner/diagnosis/rules.ts");
    const dangling: string[] = [];
    for (const file of files) {
      const full = path.join(ROOT, file);
      let stat;
      try {
        stat = lstatSync(full);
      } catch {
        continue; // deleted in the work tree, not yet in the index
      }
      if (!stat.isFile()) continue;
      const text = readFileSync(full, "utf8");
      if (!text.includes("R-")) continue;
      text.split("\n").forEach((line, i) => {
        const { ids, bad } = citedIds(line);
        for (const b of bad) dangling.push(`${file}:${i + 1}: ${b} (a range that runs backwards)`);
        for (const id of ids) if (!known.has(id)) dangling.push(`${file}:${i + 1}: ${id}`);
      });
    }
    expect(dangling, "rule ids not in SPEC.md section 9").toEqual([]);
  });
});
