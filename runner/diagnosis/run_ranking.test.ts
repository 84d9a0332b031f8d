// The run's ranking as the conformance run and the reports carry it: the outcomes it weighs, each failure's
// likely rules ordered by it, every reporter showing it once per failing adapter above the failures, and a
// merge of shards ranking again from the merged results.
import { describe, expect, it } from "vitest";
import { DIAGNOSIS, adapter, json, result, run } from "../fixtures/reports.js";
import type { AdapterReport, ScenarioResult } from "../model.js";
import { mergeReports } from "../report/merge.js";
import { reportProblems, runOf } from "../report/read.js";
import { annotations } from "../report/reporters/github.js";
import { renderHuman } from "../report/reporters/human.js";
import { pageData } from "../report/reporters/html.js";
import { reportJson } from "../report/reporters/json.js";
import { renderMarkdown } from "../report/reporters/markdown.js";
import { PLAIN } from "../report/reporters/style.js";
import { outcomesOf, withRanking } from "./run_ranking.js";

/** A vector's result declaring `rules`; a failure's diagnosis names R-WIRE-8 then R-WIRE-6, as a symptom would. */
function vector(name: string, status: ScenarioResult["status"], rules: string[], extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const failed = status === "failed";
  return result(name, status, { vector: { rules, features: [] }, ...(failed && { diagnosis: { ...DIAGNOSIS, rules: ["R-WIRE-8", "R-WIRE-6", "R-INSTALL-1"], hints: [] } }), ...extra });
}

/** Three install vectors fail, every other vector passes; a check's result and a skip are no evidence. */
function installPort(): AdapterReport {
  return adapter("py", [
    result("protocol/malformed", "failed"),
    vector("compact/a", "failed", ["R-INSTALL-1", "R-COMPACT-2"]),
    vector("compact/b", "failed", ["R-INSTALL-1"]),
    vector("compact/c", "failed", ["R-INSTALL-1", "R-SAVED-3"]),
    vector("compact/d", "passed", ["R-COMPACT-2"]),
    vector("compact/e", "passed", ["R-SAVED-3"]),
    vector("keys/a", "passed", ["R-WIRE-8", "R-STORE-1"]),
    vector("keys/b", "passed", ["R-WIRE-6"]),
    vector("cas/a", "skipped", ["R-CAS-1"]),
  ]);
}

describe("the run's ranking", () => {
  it("weighs every vector that ran, and no check's result nor a skip", () => {
    const outcomes = outcomesOf(installPort().results);
    expect(outcomes.map((o) => o.name)).toEqual(["compact/a", "compact/b", "compact/c", "compact/d", "compact/e", "keys/a", "keys/b"]);
    expect(outcomes[0]).toMatchObject({ failed: true, rules: ["R-INSTALL-1", "R-COMPACT-2"], evidence: ["R-WIRE-8", "R-WIRE-6", "R-INSTALL-1"] });
    expect(outcomes[3]).toEqual({ name: "compact/d", rules: ["R-COMPACT-2"], features: [], failed: false });
  });

  it("puts the rule the failing vectors share first and orders each failure's likely rules by it, keeping the evidence", () => {
    const ranked = withRanking(installPort());
    const top = ranked.ranking!.rules[0]!;
    expect(top).toMatchObject({ id: "R-INSTALL-1", failing: 3, declaring: 3, failingOthers: 0, others: 4 });
    expect(top.line).toMatch(/^R-INSTALL-1: 3 of 3 vectors declaring it fail, 0 of 4 others/);
    const d = ranked.results.find((r) => r.name === "compact/a")!.diagnosis!;
    expect(d.rules[0]).toBe("R-INSTALL-1");
    expect(d.evidence).toEqual(["R-WIRE-8", "R-WIRE-6", "R-INSTALL-1"]);
    // Ranked again from what the report keeps, the same ranking and the same order.
    const again = withRanking(runOf(json(run([ranked]))).adapters[0]!);
    expect(again.ranking!.rules.map((r) => r.id)).toEqual(ranked.ranking!.rules.map((r) => r.id));
    expect(again.results.find((r) => r.name === "compact/a")!.diagnosis!.rules).toEqual(d.rules);
  });

  it("is shown once per failing adapter, above its failures, by every reporter, and is valid in the JSON report", async () => {
    const ranked = withRanking(installPort());
    const passing = withRanking(adapter("ts", [vector("compact/a", "passed", ["R-INSTALL-1"])]));
    const r = run([ranked, passing]);
    const human = renderHuman(r, PLAIN);
    const head = human.indexOf("most likely broken rules for py, ranked across its vectors (which fail, which pass):");
    expect(head).toBeGreaterThan(0);
    expect(human.indexOf("\n  1. R-INSTALL-1: 3 of 3 vectors declaring it fail, 0 of 4 others")).toBeGreaterThan(head);
    expect(head).toBeLessThan(human.indexOf("FAIL py compact/a"));
    expect(human).not.toMatch(/most likely broken rules for ts/);
    expect(human.match(/most likely broken rules/g)).toHaveLength(1);
    const md = renderMarkdown(r);
    expect(md.indexOf("#### Most likely broken rules")).toBeLessThan(md.indexOf("#### Failures and errors"));
    expect(md).toMatch(/^- R-INSTALL-1: 3 of 3 vectors declaring it fail, 0 of 4 others/m);
    expect(pageData(r, "t").adapters.map((a) => a.ranking.length > 0)).toEqual([true, false]);
    const notice = (await annotations(r, ".")).filter((l) => l.startsWith("::notice"));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatch(/^::notice title=rsm%3A py%3A most likely broken rules::most likely broken rules for py.*%0A1\. R-INSTALL-1: 3 of 3/);
    const out = reportJson(r);
    expect(reportProblems(out, "report.json")).toEqual([]);
    expect(out.adapters[0]!.ranking![0]).toMatchObject({ id: "R-INSTALL-1", failing: 3, declaring: 3, failing_others: 0, others: 4 });
    expect(out.adapters[1]!.ranking).toEqual([]);
  });

  it("a merge of shards ranks again from the merged results: neither shard alone sees the whole spectrum", () => {
    const shard = (index: number) => ({ shard: { index, count: 2 } });
    // runner/select.ts puts keys/b and basic/d in shard 1, keys/a and cas/b in shard 2 (runner/report/merge.test.ts).
    const one = withRanking(adapter("py", [vector("keys/b", "failed", ["R-STORE-1"]), vector("basic/d", "passed", ["R-STORE-1", "R-PUT-1"])]));
    const two = withRanking(adapter("py", [vector("keys/a", "failed", ["R-STORE-1", "R-WIRE-6"]), vector("cas/b", "passed", ["R-CAS-1"])]));
    const merged = mergeReports([
      { file: "1.json", report: json(run([one], shard(1), 2)) },
      { file: "2.json", report: json(run([two], shard(2), 2)) },
    ]).adapters[0]!;
    expect(merged.ranking!.rules[0]).toMatchObject({ id: "R-STORE-1", failing: 2, declaring: 3, failingOthers: 0, others: 1 });
  });
});
