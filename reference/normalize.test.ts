import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "./normalize.js";
import { runScenario } from "./run.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const SPEC = readFileSync(path.join(ROOT, "SPEC.md"), "utf8");

/** The fenced JSON blocks of SPEC.md, in order: the authored example, then its normalized form. */
function specJsonBlocks(): string[] {
  return [...SPEC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe("SPEC.md section 5 and 6 example", () => {
  it("normalizes the authored example to exactly the normalized text of section 6", () => {
    const [authored, normalized] = specJsonBlocks();
    const r = loadScenario(authored!);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.stringify(r.scenario)).toBe(normalized!.trim());
    expect(r.features).toEqual([]);
  });

  it("gives the snapshots section 6 describes (the second worked example for every node at step 5)", () => {
    const r = loadScenario(specJsonBlocks()[0]!);
    if (!r.ok) throw new Error("the SPEC example must be valid");
    const hex = runScenario(r.scenario).snapshots;
    const ab = SPEC.match(/`(524b5631[0-9a-f]*63c4d85c)`/)![1];
    expect(hex.map((s) => [s.step, s.node])).toEqual([
      [3, 3],
      [5, 1],
      [5, 2],
      [5, 3],
    ]);
    for (const s of hex.slice(1)) expect(s.hex).toBe(ab);
  });
});

describe("rejection rules: one fixture per rule in vectors/invalid", () => {
  const dir = path.join(ROOT, "vectors", "invalid");
  const expected = JSON.parse(readFileSync(path.join(ROOT, "vectors", "invalid-expected.json"), "utf8")) as Record<string, { path: string; rule: string }[]>;
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

  it("every fixture has an expectation and every expectation a fixture", () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  for (const file of files) {
    it(`${file}: ${expected[file]?.map((e) => `${e.path} ${e.rule}`).join(", ")}`, () => {
      const r = loadScenario(readFileSync(path.join(dir, file), "utf8"));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.problems.map((p) => ({ path: p.path, rule: p.rule }))).toEqual(expected[file]);
      for (const p of r.problems) expect(p.message).toMatch(/expected|not allowed|listed twice|is down|is up|does not exist|above|not a node|cannot be isolated|missing|lone surrogate|no snapshot|while node|already down|not JSON/);
    });
  }

  it("covers every rejection rule SPEC.md marks (invalid)", () => {
    const rules = new Set([...SPEC.matchAll(/\*\*(R-[A-Z]+-\d+)\*\* \(invalid/g)].map((m) => m[1]!));
    rules.add("R-CLUSTER-1").add("R-CLUSTER-2");
    const covered = new Set(Object.values(expected).flatMap((list) => list.map((e) => e.rule)));
    expect([...rules].filter((r) => !covered.has(r))).toEqual([]);
    expect(rules.size).toBeGreaterThanOrEqual(17);
  });
});

describe("hex values of any length (R-BYTES-2)", () => {
  const scenario = (hex: string) => JSON.stringify({ description: "d", steps: [{ op: "put", key: "k", value: { hex } }, { op: "snapshot", nodes: "all" }] });
  it("accepts a 20 MB value without overflowing the regex stack", () => {
    // V8 interprets a regex on its first short subjects and then compiles it to native code, which recursed.
    for (let i = 0; i < 3; i++) expect(loadScenario(scenario("00ff")).ok).toBe(true);
    expect(loadScenario(scenario("aB".repeat(10_000_000))).ok).toBe(true);
  });
  it("rejects odd length and non-hex digits, naming the JSON path and the rule, however long", () => {
    for (const hex of ["abc", `${"ab".repeat(10_000_000)}c`, `${"ab".repeat(10_000_000)}gg`]) {
      const r = loadScenario(scenario(hex));
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problems.map((p) => `${p.path} ${p.rule}`)).toEqual(["steps[0].value.hex R-BYTES-2"]);
      expect(r.problems[0]!.message).toMatch(/^expected an even-length string of hex digits, got "/);
    }
  });
});

describe("hostile scenario files", () => {
  it("a value nested 5,000 levels deep is one problem, not a stack overflow", () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const r = loadScenario(`{"description":"d","steps":[{"op":"put","key":"k","value":${deep}},{"op":"snapshot","nodes":"all"}]}`);
    expect(r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([`steps[0].value: expected exactly one of {"utf8": string} or {"hex": string}, got ${"[".repeat(57)}...`]);
  });

  it("preview is JSON.stringify cut at 60 characters", async () => {
    const { preview } = await import("./problems.js");
    for (const v of [null, 1, "x", "y".repeat(100), [1, [2, { a: "b" }]], { a: [], b: {}, c: "d".repeat(70) }, Array.from({ length: 50 }, (_, i) => i)]) {
      const text = JSON.stringify(v);
      expect(preview(v)).toBe(text.length > 60 ? `${text.slice(0, 57)}...` : text);
    }
    expect(preview(undefined)).toBe("nothing");
  });

  it("bytes: a byte-order mark and invalid UTF-8 are R-FILE-1 problems of the file, never U+FFFD", async () => {
    const { loadScenarioBytes } = await import("./normalize.js");
    const { invalidUtf8At } = await import("./bytes.js");
    const ok = new TextEncoder().encode('{"description":"d","steps":[{"op":"put","key":"\u00e9","value":{"hex":""}},{"op":"snapshot","nodes":"all"}]}');
    expect(loadScenarioBytes(ok).ok).toBe(true);
    const bom = loadScenarioBytes(Uint8Array.of(0xef, 0xbb, 0xbf, ...ok));
    expect(bom.ok ? null : bom.problems).toEqual([{ path: "", rule: "R-FILE-1", message: "starts with a byte-order mark (ef bb bf); expected UTF-8 JSON text without one" }]);
    const at = ok.indexOf(0xc3);
    const bad = Uint8Array.from(ok);
    bad[at + 1] = 0x41;
    const r = loadScenarioBytes(bad);
    expect(r.ok ? null : r.problems).toEqual([{ path: "", rule: "R-FILE-1", message: `not UTF-8 at byte ${at}` }]);
    // Overlong, surrogate, above U+10FFFF, truncated, stray continuation; and well-formed 2-, 3- and 4-byte forms.
    for (const b of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]) expect(invalidUtf8At(Uint8Array.of(0x61, ...b))).toBe(1);
    expect(invalidUtf8At(new TextEncoder().encode("a\u00e9\u20ac\u{1f600}"))).toBe(-1);
  });
});
