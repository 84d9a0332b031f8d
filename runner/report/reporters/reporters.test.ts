import { describe, expect, it } from "vitest";
import type { AdapterReport } from "../../model.js";
import type { RunReport } from "../run_report.js";
import type { Diagnosis } from "../../diagnosis/diagnose.js";
import { nodeRanges, renderHuman } from "./human.js";
import { reportJson } from "./json.js";
import { xml as xmlEscape } from "../../../common/escape.js";
import { renderJunit } from "./junit.js";
import { COLOUR, PLAIN, useColour } from "./style.js";

const adapter: AdapterReport = {
  name: "go",
  command: "adapters/go/bin/rsm-adapter",
  hello: { type: "hello", protocol: 1, name: "go", version: "0.1.0", features: [] },
  fatal: null,
  results: [
    { name: "a/ok", file: "g/a/ok.json", source: "s/a/ok.json", status: "passed", expectedFailure: false, durationMs: 1, reason: null, stderrTail: null, restarted: false, diagnosis: null },
    { name: "a/boom", file: "g/a/boom.json", source: "s/a/boom.json", status: "error", expectedFailure: false, durationMs: 2, reason: "adapter exited with code 2 mid-scenario", stderrTail: "panic: \u0007bell <&>", restarted: true, diagnosis: null },
    { name: "a/cas", file: "g/a/cas.json", source: "s/a/cas.json", status: "skipped", expectedFailure: false, durationMs: 0, reason: "needs feature cas, which the adapter does not list in its hello", stderrTail: null, restarted: false, diagnosis: null },
  ],
  notRun: 0,
  durationMs: 1234,
  built: false,
};
const run: RunReport = { adapters: [adapter], selected: 3, corpus: 3, durationMs: 1500, strict: false, exitCode: 1, startedAt: "2025-01-01T00:00:00.000Z" };

describe("human", () => {
  it("prints the table, then the errors with stderr, skips grouped, then the verdict", () => {
    expect(renderHuman(run, PLAIN)).toBe(
      [
        "adapter  passed  failed  errored  skipped  expected  not run   time",
        "go            1       0        1        1         0        0  1.23s",
        "",
        "ERROR go a/boom  (s/a/boom.json)",
        "  adapter exited with code 2 mid-scenario",
        "  adapter stderr (tail):",
        // The stderr's BEL shown, not rung: the terminal gets no control character from a port.
        "    | panic: \\x07bell <&>",
        "  the adapter was restarted for the next scenario",
        "",
        "SKIP go (1 scenario: a/cas): needs feature cas, which the adapter does not list in its hello",
        "",
        "FAILED 1 passed, 0 failed, 1 errored, 1 skipped; 3 scenarios x 1 adapter in 1.50s",
        "",
      ].join("\n"),
    );
  });

  it("writes runs of node ids as ranges, and one scenario in the singular", () => {
    expect(nodeRanges([1, 2, 3, 5, 7, 8])).toBe("1-3, 5, 7, 8");
    expect(nodeRanges(Array.from({ length: 255 }, (_, i) => i + 1))).toBe("1-255");
    expect(renderHuman({ ...run, selected: 1 }, PLAIN)).toMatch(/; 1 scenario x 1 adapter in /);
  });

  it("uses colour only on a TTY and not under NO_COLOR", () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(renderHuman(run, COLOUR)).toContain("\x1b[31m");
  });
});

describe("junit", () => {
  it("escapes markup and drops characters XML cannot hold", () => {
    expect(xmlEscape('a<b>&"\u0007\u001b')).toBe("a&lt;b&gt;&amp;&quot;\ufffd\ufffd");
    const xml = renderJunit(run);
    expect(xml).toContain('<testsuite name="go" tests="3" failures="0" errors="1" skipped="1"');
    expect(xml).toContain('<error message="adapter exited with code 2 mid-scenario" type="AdapterError">adapter exited with code 2 mid-scenario\nadapter stderr (tail):\npanic: \ufffdbell &lt;&amp;&gt;');
    expect(xml).toContain('<skipped message="needs feature cas, which the adapter does not list in its hello"/>');
  });
});

describe("hints", () => {
  const diagnosis: Diagnosis = {
    snapshot: { index: 0, step: 1, node: 1 },
    offset: 70,
    field: "crc",
    fieldRule: "R-WIRE-7",
    divergence: null,
    traceNote: "no trace",
    rules: ["R-WIRE-7"],
    hints: ["first hint (R-WIRE-7)", "second hint (R-STORE-1)"],
    crcSelfConsistent: false,
    decodeError: null,
    diff: [],
    expectedHex: "00",
    actualHex: "01",
  };
  const failed: RunReport = {
    ...run,
    adapters: [{ ...adapter, results: [{ ...adapter.results[0]!, name: "a/bad", status: "failed", diagnosis }] }],
  };

  it("are one `hint:` line each, right after the likely rules, in the human report", () => {
    const lines = renderHuman(failed, PLAIN).split("\n");
    const at = lines.findIndex((l) => l.startsWith("  likely rules: R-WIRE-7"));
    expect(lines.slice(at + 1, at + 3)).toEqual(["  hint: first hint (R-WIRE-7)", "  hint: second hint (R-STORE-1)"]);
  });

  it("are an array of strings on the JSON report's diagnosis", () => {
    expect(reportJson(failed).adapters[0]!.results[0]!.diagnosis?.hints).toEqual(diagnosis.hints);
  });
});
