import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adapter, result, run } from "../../fixtures/reports.js";
import { annotations, stepLine, writeStepSummary } from "./github.js";
import { renderMarkdown } from "./markdown.js";

const failing = run([
  adapter("go", [result("keys/a", "failed"), result("keys/b", "error"), result("cas/x", "skipped"), result("cas/y", "skipped"), result("basic/ok", "passed")]),
  adapter("rust", [result("keys/a", "passed")], { fatal: { kind: "toolchain", message: "cargo is not installed", output: null, optional: true } }),
]);

describe("markdown summary", () => {
  const md = renderMarkdown(failing);

  it("starts with the verdict and the adapter x outcome table", () => {
    const lines = md.split("\n");
    expect(lines[0]).toBe("### rsm conformance: FAILED 2 passed, 1 failed, 1 errored, 2 skipped; 4 scenarios x 2 adapters in 1.00s");
    expect(lines).toContain("| go | 1 | 1 | 1 | 2 | 0 | 0 | 0.10s |  |");
    expect(lines).toContain("| rust | 1 | 0 | 0 | 0 | 0 | 0 | 0.10s | not run: cargo is not installed |");
  });

  it("folds each failure to scenario, step, nodes and likely rules, opening on the diagnosis and the decoded diff", () => {
    expect(md).toContain("<details><summary><b>FAIL</b> go <code>keys/a</code>: step 1, nodes 1-3; R-STORE-1, R-WIRE-6</summary>");
    expect(md).toContain("scenario: <code>vectors/scenarios/keys/a.json</code> (golden <code>vectors/golden/keys/a.json</code>)");
    expect(md).toContain("- hint: actual snapshot has the expected pairs in another order (R-STORE-1)");
    expect(md).toContain(['```diff', "  ...", "  pair count 2", '- [0] "\ufffd" = 31 "1"', '+ [0] "😀" = 30 "0"'].join("\n"));
    // An error's stderr goes in a fence: markup in it is shown, not rendered.
    expect(md).toContain("<details><summary><b>ERROR</b> go <code>keys/b</code>: adapter exited with code 2 mid-scenario</summary>");
    expect(md).toContain(["```", "panic: </script><b>boom</b>", "```"].join("\n"));
  });

  it("groups skips by the feature the adapter lacks, and ends with the run's metadata", () => {
    expect(md).toContain("- **go** lacks feature <code>cas</code>: 2 scenarios (<code>cas/x</code>, <code>cas/y</code>)");
    expect(md.trimEnd().split("\n").at(-1)).toBe("<sub>started 2026-01-01T00:00:00.000Z · kit rsm-conformance 0.1.0 · corpus aaaaaaaaaaaa · linux 6.1.0, 2 × test cpu, node v20.0.0</sub>");
  });

  it("is appended to $GITHUB_STEP_SUMMARY, keeping what the step wrote there before", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rsm-summary-")), "summary.md");
    writeFileSync(file, "earlier step output\n");
    expect(await writeStepSummary(failing, { GITHUB_STEP_SUMMARY: file })).toBe(file);
    expect(await writeStepSummary(failing, {})).toBeNull();
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("earlier step output\n### rsm conformance: FAILED")).toBe(true);
  });
});

describe("GitHub annotations", () => {
  const scenario = ['{ "description": "d",', '  "steps": [', '    { "op": "put", "key": "a,b", "value": { "utf8": "]" } },', "    {", '      "op": "put", "key": "\\"steps\\"", "value": { "hex": "00" } },', '    { "op": "snapshot", "nodes": "all" } ] }'].join("\n");

  it("finds the line where a step starts, whatever the layout", () => {
    expect(stepLine(scenario, 0)).toBe(3);
    expect(stepLine(scenario, 1)).toBe(4);
    expect(stepLine(scenario, 2)).toBe(6);
    expect(stepLine(scenario, 3)).toBeNull();
    expect(stepLine('{"steps":[{"op":"heal"},{"op":"heal"}]}', 1)).toBe(1);
    expect(stepLine('{"tags":["steps"],"x":[1,[2]],"steps":[]}', 0)).toBeNull();
  });

  it("point at the authored scenario file and the line of the diverging step, escaped as workflow commands", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "rsm-annotate-"));
    mkdirSync(path.join(root, "vectors/scenarios/keys"), { recursive: true });
    writeFileSync(path.join(root, "vectors/scenarios/keys/a.json"), scenario);
    const lines = await annotations(failing, root);
    expect(lines[0]).toBe(
      "::error file=vectors/scenarios/keys/a.json,line=4,title=rsm%3A go fails keys/a::first divergence at step 1, nodes 1, 2, 3%0Asnapshot of step 2 node 1 differs at byte 35, in key length of pair 0%0Alikely rules: R-STORE-1, R-WIRE-6%0Ahint: actual snapshot has the expected pairs in another order (R-STORE-1)",
    );
    // No such file: the annotation names the file without a line.
    expect(lines[1]).toBe("::error file=vectors/scenarios/keys/b.json,title=rsm%3A go errors on keys/b::adapter exited with code 2 mid-scenario");
    // The optional NOT RUN adapter does not fail the run, so it is no error.
    expect(lines).toHaveLength(2);
  });
});
