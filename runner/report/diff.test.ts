import { describe, expect, it } from "vitest";
import { adapter, result, run } from "../fixtures/reports.js";
import { diffRuns, regressed, renderDiffHuman, renderDiffMarkdown } from "./diff.js";

const before = run([
  adapter("go", [result("keys/a", "passed"), result("keys/b", "failed"), result("cas/c", "skipped"), result("basic/gone", "passed"), result("incr/x", "failed", { expectedFailure: true })]),
  adapter("rust", [result("keys/a", "passed")]),
]);
const after = run(
  [
    adapter("go", [result("keys/a", "failed"), result("keys/b", "passed"), result("cas/c", "passed"), result("decode/new", "error"), result("incr/x", "passed", { expectedFailure: true })]),
    adapter("rust", [result("keys/a", "passed")]),
    adapter("go -> rust", [result("decode/new", "passed")]),
  ],
  { corpus_sha256: "b".repeat(64) },
);

describe("report diff", () => {
  const d = diffRuns(before, after);

  it("lists per adapter what newly fails, what newly passes, and every other change of outcome", () => {
    const go = d.adapters.find((a) => a.adapter === "go")!;
    expect(go.newlyFailing.map((c) => [c.name, c.before, c.after, c.why])).toEqual([
      ["decode/new", "absent", "error", "adapter exited with code 2 mid-scenario"],
      ["incr/x", "expected", "unexpected-pass", ""],
      ["keys/a", "passed", "failed", "R-STORE-1, R-WIRE-6"],
    ]);
    expect(go.newlyPassing.map((c) => c.name)).toEqual(["keys/b"]);
    expect(go.other.map((c) => [c.name, c.before, c.after])).toEqual([
      ["basic/gone", "passed", "absent"],
      ["cas/c", "skipped", "passed"],
    ]);
    expect(d.adapters.find((a) => a.adapter === "rust")).toMatchObject({ presence: "both", newlyFailing: [], unchanged: 1 });
    // A new kind of cell (producer -> consumer) is an adapter like any other.
    expect(d.adapters.find((a) => a.adapter === "go -> rust")).toMatchObject({ presence: "added", other: [{ name: "decode/new", before: "absent", after: "passed" }] });
    expect(regressed(d)).toBe(true);
    expect(regressed(diffRuns(before, before))).toBe(false);
  });

  it("prints the newly failing first, then a verdict line", () => {
    expect(renderDiffHuman(d)).toBe(
      [
        `note: corpus aaaaaaaaaaaa -> bbbbbbbbbbbb (10 -> 10 goldens)`,
        "go: 3 newly failing, 1 newly passing, 2 other changes, 0 unchanged",
        "  newly failing:",
        "    decode/new  absent -> error  (adapter exited with code 2 mid-scenario)",
        "    incr/x      expected -> unexpected-pass",
        "    keys/a      passed -> failed  (R-STORE-1, R-WIRE-6)",
        "  newly passing:",
        "    keys/b      failed -> passed",
        "  other changes:",
        "    basic/gone  passed -> absent",
        "    cas/c       skipped -> passed",
        "rust: no change (1 scenario)",
        "go -> rust (only in the new report): 0 newly failing, 0 newly passing, 1 other change, 0 unchanged",
        "  other changes:",
        "    decode/new  absent -> passed",
        "REGRESSED 3 newly failing, 1 newly passing, 3 other changes; 2 of 3 adapters changed",
        "",
      ].join("\n"),
    );
  });

  it("has a Markdown form for the pull request", () => {
    const md = renderDiffMarkdown(d);
    expect(md.split("\n")[0]).toBe("### rsm report diff: REGRESSED");
    expect(md).toContain("| newly failing | <code>keys/a</code> | passed | failed | R-STORE-1, R-WIRE-6 |");
    expect(md).toContain("| newly passing | <code>keys/b</code> | failed | passed |  |");
  });
});
