// The re-run with trace is asked for only when the trace fits the runner's budget, measured exactly on the
// reference's run: an estimate from the emitted snapshots (steps x nodes x the largest of them) missed states
// larger than any snapshot the scenario emits, asked for a trace of 700 Mi characters, and blamed the budget
// on the port (a line past the runner's limit, or a port unable to build it).
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { runSizes, type NormalizedScenario, type Step } from "../reference/index.js";
import { formatGolden, goldenFor } from "../corpus/golden.js";
import { mutantAdapter } from "../selftest/mutation/mutants.js";
import { VARIANTS } from "../selftest/mutation/variants.js";
import { TRACE_BUDGET } from "./diagnosis/bisect.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";

it("a failure in a scenario whose states are far larger than its snapshots is bisected, not traced past the budget", async () => {
  // A 3 MiB value held by three nodes for 40 steps, then deleted: the one snapshot at the end is small. The
  // keys put last sort differently as UTF-16 and as UTF-8, which the mutant port gets wrong (R-STORE-1).
  const steps: Step[] = [{ op: "put", key: "big", value: "ab".repeat(3 * 1024 * 1024) }];
  for (let i = 0; i < 40; i++) steps.push({ op: "heal" });
  steps.push({ op: "delete", key: "big" }, { op: "put", key: "\ufffd", value: "01" }, { op: "put", key: "\u{1f600}", value: "02" }, { op: "snapshot", nodes: [1, 2, 3] });
  const scenario: NormalizedScenario = { cluster: { nodes: 3, leader: 1 }, steps: steps as NormalizedScenario["steps"] };
  const golden = goldenFor("budget/large-states", scenario, "states far larger than the snapshot emitted");
  expect(runSizes(scenario).traceChars).toBeGreaterThan(256 * 1024 * 1024);
  expect(steps.length * 3 * Math.max(...golden.snapshots.map((s) => s.hex.length))).toBeLessThan(TRACE_BUDGET);

  const dir = await mkdtemp(path.join(tmpdir(), "rsm-trace-budget-"));
  await mkdir(path.join(dir, "budget"), { recursive: true });
  await writeFile(path.join(dir, "budget", "large-states.json"), formatGolden(golden));
  const variant = { ...VARIANTS.find((v) => v.id === "utf16-key-order")!, id: "budget-utf16-key-order" };
  const argv = await mutantAdapter(REPO_ROOT, variant);
  const r = await runConformance(["--vectors", dir, "--exec", argv.map((w) => `'${w}'`).join(" "), "--reporter", "json", "--timeout", "120"]);
  const report = JSON.parse(r.stdout) as { adapters: { results: { name: string; status: string; reason: string; diagnosis: { divergence: { step: number } | null; trace_note: string | null } | null }[] }[] };
  const x = report.adapters[0]!.results.find((res) => res.name === "budget/large-states")!;
  expect(x.reason).not.toMatch(/longer than|trace was answered with an error|Invalid string length/);
  expect(x.status).toBe("failed");
  expect(x.diagnosis!.trace_note).toBeNull();
  expect(x.diagnosis!.divergence!.step).toBe(steps.length - 2);
});
