// The registered TypeScript adapter, as `npm run conformance` starts it, passes the whole golden corpus.
import { expect, it } from "vitest";
import { listJson } from "../corpus/scenario_files.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";
import path from "node:path";

it("the ts adapter passes every golden vector and every check beyond the corpus", async () => {
  const goldens = await listJson(path.join(REPO_ROOT, "vectors", "golden"));
  const r = await runConformance(["--adapter", "ts", "--no-build", "--reporter", "json", "--jobs", "2"]);
  const ts = (JSON.parse(r.stdout) as { adapters: { name: string; fatal: unknown; counts: Record<string, number>; results: { name: string; status: string }[] }[] }).adapters[0]!;
  expect(ts.fatal).toBeNull();
  // The trace sample: one vector of each topic but those whose scenarios are all long (runner/checks/traces.ts).
  const topics = new Set(goldens.map((g) => g.split("/")[0]!).filter((t) => t !== "decode"));
  const traced = ts.results.filter((x) => x.name.startsWith("trace/")).map((x) => x.name.split("/")[1]!);
  expect(new Set(traced).size).toBe(traced.length);
  expect(traced.length).toBeGreaterThan(topics.size / 2);
  // The corpus (scenario and decode goldens), then the checks: 12 malformed lines, 2 exit statuses, the
  // environment sample, the trace sample, three scale sizes, their growth and the 70,000-key store, and the
  // decode matrix's cells for the reference's and its own snapshots.
  expect(ts.counts).toMatchObject({ passed: goldens.length + 12 + 2 + 1 + traced.length + 5 + 2, failed: 0, errored: 0, skipped: 0, not_run: 0 });
  expect(r.code).toBe(0);
});
