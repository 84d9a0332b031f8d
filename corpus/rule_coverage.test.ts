import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_DECLARING, UNOBSERVABLE_FILE, coverageProblems, declaringVectors, parseUnobservable, readCorpusRules, type CorpusRules } from "./rule_coverage.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("the committed corpus declares the rules it pins", () => {
  it(`every vector declares a rule, every rule a vector can observe is declared by at least ${MIN_DECLARING}, and ${UNOBSERVABLE_FILE} lists the rest, each pinned elsewhere`, async () => {
    const { corpus, problems } = await readCorpusRules(ROOT);
    expect(problems).toEqual([]);
    expect(coverageProblems(corpus)).toEqual([]);
    // The vectors really were read: both kinds, each with its rules.
    expect([...corpus.declared.keys()].filter((n) => n.startsWith("decode/")).length).toBeGreaterThanOrEqual(60);
    expect(corpus.declared.get("keys/nine-vs-ten")).toContain("R-STORE-1");
  });
});

function corpus(over: Partial<CorpusRules>): CorpusRules {
  return {
    index: ["R-PUT-1", "R-DELETE-1", "R-NAME-1"],
    declared: new Map([
      ["t/one", ["R-PUT-1"]],
      ["t/two", ["R-PUT-1", "R-DELETE-1"]],
      ["decode/three", ["R-DELETE-1"]],
    ]),
    unobservable: new Map([["R-NAME-1", { why: "refused before any port sees it", pinned_by: ["vectors/invalid/name-1.json"] }]]),
    invalidExpected: new Map([["name-1.json", ["R-NAME-1"]]]),
    exists: () => true,
    ...over,
  };
}

describe("coverageProblems", () => {
  it("a corpus where each rule is declared twice or listed has no problem", () => {
    expect(coverageProblems(corpus({}))).toEqual([]);
  });

  it("names a vector that declares no rule", () => {
    const declared = new Map([...corpus({}).declared, ["t/bare", []]]);
    expect(coverageProblems(corpus({ declared }))).toEqual([
      `t/bare: declares no rules; expected "rules": the one or few rules of SPEC.md's index it was written to pin, main one first (docs/corpus.md)`,
    ]);
  });

  it("names a rule declared by one vector, with that vector, and one declared by none", () => {
    const declared = new Map([
      ["t/one", ["R-PUT-1"]],
      ["t/two", ["R-PUT-1", "R-DELETE-1"]],
    ]);
    expect(coverageProblems(corpus({ declared, index: ["R-PUT-1", "R-DELETE-1", "R-NAME-1", "R-APPEND-1"] }))).toEqual([
      `R-DELETE-1: declared by 1 vector(s) (t/two); expected at least 2, or an entry in ${UNOBSERVABLE_FILE} saying why no vector can observe it`,
      `R-APPEND-1: declared by 0 vector(s) (none); expected at least 2, or an entry in ${UNOBSERVABLE_FILE} saying why no vector can observe it`,
    ]);
  });

  it("a stale list: a listed rule that a vector declares", () => {
    const declared = new Map([...corpus({}).declared, ["t/four", ["R-NAME-1"]]]);
    expect(coverageProblems(corpus({ declared }))).toEqual([`${UNOBSERVABLE_FILE} R-NAME-1: listed as observable by no vector, but declared by t/four; expected it either declared or listed, not both`]);
  });

  it("a listed id that SPEC.md's index lacks", () => {
    const gone = ["R", "GONE", "1"].join("-"); // spelt apart so common/spec_rules.test.ts's scan for dangling ids does not find it here
    const unobservable = new Map([...corpus({}).unobservable, [gone, { why: "w", pinned_by: ["x.ts"] }]]);
    expect(coverageProblems(corpus({ unobservable }))).toEqual([`${UNOBSERVABLE_FILE} ${gone}: no such rule in SPEC.md's rule index (section 9)`]);
  });

  it("where the list says a rule is pinned must exist, and a vectors/invalid/ fixture must be rejected with that rule", () => {
    const unobservable = new Map([["R-NAME-1", { why: "w", pinned_by: ["vectors/invalid/name-1.json", "vectors/invalid/other.json", "gone.test.ts"] }]]);
    const invalidExpected = new Map([
      ["name-1.json", ["R-NAME-1"]],
      ["other.json", ["R-PUT-1"]],
    ]);
    expect(coverageProblems(corpus({ unobservable, invalidExpected, exists: (p) => p !== "gone.test.ts" }))).toEqual([
      `${UNOBSERVABLE_FILE} R-NAME-1.pinned_by[1]: vectors/invalid-expected.json does not say vectors/invalid/other.json is rejected with R-NAME-1`,
      `${UNOBSERVABLE_FILE} R-NAME-1.pinned_by[2]: gone.test.ts does not exist; expected a file that pins R-NAME-1`,
    ]);
  });

  it("declaringVectors: rule -> the vectors declaring it, main rule or not", () => {
    expect(Object.fromEntries(declaringVectors(corpus({}).declared))).toEqual({ "R-PUT-1": ["t/one", "t/two"], "R-DELETE-1": ["t/two", "decode/three"] });
  });
});

describe("parseUnobservable", () => {
  it("reads rule id -> {why, pinned_by}", () => {
    const r = parseUnobservable(JSON.stringify({ "R-PUT-1": { why: "because", pinned_by: ["a.ts"] } }));
    expect(r.problems).toEqual([]);
    expect([...r.entries]).toEqual([["R-PUT-1", { why: "because", pinned_by: ["a.ts"] }]]);
  });

  it("names each malformed entry by its JSON path", () => {
    const r = parseUnobservable(JSON.stringify({ "R-PUT-1": { why: "", pinned_by: ["a.ts"] }, "R-DELETE-1": { why: "w", pinned_by: [] }, "R-NAME-1": "just text" }));
    expect(r.problems).toEqual([
      `${UNOBSERVABLE_FILE} R-PUT-1.why: expected a non-empty string saying why no vector can observe R-PUT-1`,
      `${UNOBSERVABLE_FILE} R-DELETE-1.pinned_by: expected a non-empty array of repository paths of what pins R-DELETE-1 instead`,
      `${UNOBSERVABLE_FILE} R-NAME-1.why: expected a non-empty string saying why no vector can observe R-NAME-1`,
    ]);
    expect(r.entries.size).toBe(0);
  });

  it("a file that is not an object of entries is one line", () => {
    expect(parseUnobservable("[]").problems).toEqual([`${UNOBSERVABLE_FILE} (root): expected an object of rule id -> {why, pinned_by}`]);
    expect(parseUnobservable("{").problems[0]).toMatch(/^vectors\/unobservable-rules\.json: not JSON \(.*\); expected an object of rule id -> \{why, pinned_by\}$/);
  });
});
