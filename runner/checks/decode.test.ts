// The decoding half of the wire in a real run: a port that lists neither compact nor decode is skipped on
// exactly the vectors that need them; the verdict comparison names the first difference.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listJson } from "../../corpus/scenario_files.js";
import { REPO_ROOT, runConformance } from "../fixtures/harness.js";
import { verdictProblem } from "./decode.js";

describe("a port without compact and decode", () => {
  it("is skipped on exactly the compaction and election scenarios and the decode vectors, passes the rest, and the run is PARTIAL", async () => {
    const goldens = path.join(REPO_ROOT, "vectors", "golden");
    const needing = new Set<string>();
    let scenarios = 0;
    for (const rel of await listJson(goldens)) {
      const g = JSON.parse(readFileSync(path.join(goldens, rel), "utf8")) as { name: string; features: string[] };
      if (!rel.startsWith("decode/")) scenarios++;
      if (g.features.includes("compact") || g.features.includes("elect") || g.features.includes("decode")) needing.add(g.name);
    }
    expect(needing.size).toBeGreaterThanOrEqual(30 + 60);
    const exec = `node --import tsx ${path.join(REPO_ROOT, "runner", "fixtures", "ports", "v1_port.ts")}`;
    const r = await runConformance(["--exec", exec, "--reporter", "json", "--malformed", "off", "--env", "off", "--traces", "off", "--scale", "off"]);
    expect(r.code, r.stderr).toBe(0);
    const results = (JSON.parse(r.stdout) as { adapters: { results: { name: string; status: string; reason: string | null }[] }[] }).adapters[0]!.results;
    const skipped = results.filter((x) => x.status === "skipped");
    expect(new Set(skipped.map((x) => x.name))).toEqual(needing);
    for (const x of skipped) expect(x.reason).toMatch(/^needs feature (compact|crash, compact|decode|elect|crash, elect|compact, elect|crash, compact, elect), which the adapter does not list in its hello$/);
    expect(results.filter((x) => x.status === "passed")).toHaveLength(scenarios - [...needing].filter((n) => !n.startsWith("decode/")).length);
    // No matrix column for a consumer that cannot decode.
    expect(results.some((x) => x.name.startsWith("decode/produced-by/"))).toBe(false);
    const strict = await runConformance(["--exec", exec, "--require-features", "decode", "--filter", "decode/", "--malformed", "off", "--env", "off", "--traces", "off", "--scale", "off"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/--require-features asks for decode/);
  });
});

describe("verdictProblem", () => {
  const accepted = { type: "decoded" as const, snapshot: { current_term: "1", last_included_index: "2", last_included_term: "1", pairs: [{ key: "a", value: "31" }] } };
  const rejected = { type: "rejected" as const, rule: "R-DECODE-5" as const, offset: 60, message: "key bytes of pair 0 run into the crc" };
  it("names the first differing field, the wrong rule with the reference's offset, or the wrong verdict", () => {
    expect(verdictProblem(accepted, accepted)).toBeNull();
    expect(verdictProblem(accepted, { type: "decoded", snapshot: { ...accepted.snapshot, last_included_index: "-2" } })).toMatch(/^decoded last_included_index is "-2", expected "2"/);
    expect(verdictProblem(accepted, { type: "decoded", snapshot: { ...accepted.snapshot, pairs: [{ key: "\ufeffa", value: "31" }] } })).toMatch(/^decoded pairs\[0\]\.key is/);
    expect(verdictProblem(accepted, { type: "decoded", snapshot: { ...accepted.snapshot, pairs: [] } })).toMatch(/^decoded 0 pairs, expected 1/);
    expect(verdictProblem(accepted, { type: "rejected", rule: "R-DECODE-3", message: "crc" })).toMatch(/^rejected with R-DECODE-3 .*but the reference accepts it/);
    expect(verdictProblem(rejected, { type: "rejected", rule: "R-DECODE-7", message: "utf8" })).toMatch(/^rejected with R-DECODE-7, expected R-DECODE-5 .*at byte 60/);
    expect(verdictProblem(rejected, accepted)).toMatch(/^accepted, but the reference rejects it with R-DECODE-5/);
    expect(verdictProblem(rejected, { type: "rejected", rule: "R-DECODE-5", message: "other words" })).toBeNull();
  });
});
