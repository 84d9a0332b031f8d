// The registered TypeScript adapter, as `npm run conformance` starts it, passes the whole golden corpus.
import { expect, it } from "vitest";
import { listJson } from "../corpus/scenario_files.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";
import path from "node:path";

it("the ts adapter passes every golden vector and every check beyond the corpus", async () => {
  const goldens = await listJson(path.join(REPO_ROOT, "vectors", "golden"));
  const r = await runConformance(["--adapter", "ts", "--no-build", "--reporter", "json", "--jobs", "2"]);
  const ts = (JSON.parse(r.stdout) as { adapters: { name: string; fatal: unknown; counts: Record<string, number>; results: { status: string }[] }[] }).adapters[0]!;
  expect(ts.fatal).toBeNull();
  // The corpus (scenario and decode goldens), then the checks: 12 malformed lines, 2 exit statuses, the
  // environment sample, two scale sizes and their growth, and the decode matrix's cells for the reference's
  // and its own snapshots.
  expect(ts.counts).toMatchObject({ passed: goldens.length + 12 + 2 + 1 + 3 + 2, failed: 0, errored: 0, skipped: 0, not_run: 0 });
  expect(r.code).toBe(0);
}, 60_000);
