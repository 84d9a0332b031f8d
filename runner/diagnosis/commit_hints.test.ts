// The down-log commit hint on real port bugs (variants of the reference over the corpus's goldens, diagnosed
// from the variant's own trace as the runner does it) and on the correct reference, where it must stay silent.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadGoldens } from "../../selftest/mutation/mutation.js";
import { loadMutant } from "../../selftest/mutation/mutants.js";
import { VARIANTS } from "../../selftest/mutation/variants.js";
import { compareSnapshots } from "./compare.js";
import { diagnose } from "./diagnose.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const ISOLATED = /^the leader, node \d+, first diverged at step \d+ \(\w+\), where it applied through entry \d+ instead of \d+: exactly what a majority counting isolated/;
const HINT = /^the leader, node \d+, first diverged at step \d+ \(\w+\), where it commits entry \d+ only because down followers? [\d, ]+'s log|logs of down followers/;

describe("a commit only a down follower's log makes", () => {
  it("a port that counts down followers as holding nothing: the hint on every failure it can see, R-COMMIT-1 first", async () => {
    const mutant = await loadMutant(ROOT, VARIANTS.find((v) => v.id === "commit-ignores-down-nodes")!);
    const goldens = (await loadGoldens(ROOT)).filter((g) => /^(commit|crash|compact|mixed)\//.test(g.name));
    const fails = [];
    for (const g of goldens) {
      const got = mutant.runScenario(g.scenario, { trace: true });
      const cmp = compareSnapshots(g.snapshots, got.snapshots);
      if (cmp.kind === "mismatch") fails.push({ name: g.name, d: diagnose(g, cmp.index, cmp.expected, cmp.actualHex, got.trace ?? []) });
    }
    expect(fails.map((f) => f.name)).toContain("crash/down-log-completes-commit");
    for (const f of fails) {
      expect(f.d.hints.some((h) => HINT.test(h)), f.name).toBe(true);
      expect(f.d.rules[0], f.name).toBe("R-COMMIT-1");
    }
    const hint = fails.find((f) => f.name === "crash/down-log-completes-commit")!.d.hints.find((h) => HINT.test(h))!;
    expect(hint).toMatch(/first diverged at step 4 \(partition\), where it commits entry 1 only because down follower 2's log holds it: .*\(R-COMMIT-1, R-CRASH-3\)$/);
  });

  it("a port that replicates to isolated followers: the leader applies what counting them as holders gives, R-ROUND-1 first where the hint fires", async () => {
    const mutant = await loadMutant(ROOT, VARIANTS.find((v) => v.id === "isolated-followers-receive-entries")!);
    const fails = [];
    for (const g of (await loadGoldens(ROOT)).filter((g) => /^(cluster|commit|partition|put)\//.test(g.name))) {
      const got = mutant.runScenario(g.scenario, { trace: true });
      const cmp = compareSnapshots(g.snapshots, got.snapshots);
      if (cmp.kind === "mismatch") fails.push({ name: g.name, d: diagnose(g, cmp.index, cmp.expected, cmp.actualHex, got.trace ?? []) });
    }
    const hinted = fails.filter((f) => f.d.hints.some((h) => ISOLATED.test(h)));
    expect(hinted.length).toBeGreaterThanOrEqual(fails.length / 2);
    for (const f of hinted) expect(f.d.rules[0], f.name).toBe("R-ROUND-1");
    expect(fails.find((f) => f.name === "partition/leader-minority")!.d.hints[0]).toMatch(/first diverged at step 2 \(put\), where it applied through entry \d+ instead of \d+: exactly what a majority counting isolated followers? [\d, ]+ as holding the whole log gives; .*\(R-ROUND-1\)$/);
    // Without the port's trace there is nothing to compare the leader's commit with.
    const g = (await loadGoldens(ROOT)).find((g) => g.name === "partition/leader-minority")!;
    const cmp = compareSnapshots(g.snapshots, mutant.runScenario(g.scenario).snapshots);
    if (cmp.kind !== "mismatch") throw new Error("expected a mismatch");
    expect(diagnose(g, cmp.index, cmp.expected, cmp.actualHex, "no trace in this test").hints.join("\n")).not.toMatch(ISOLATED);
  });

  it("stays silent where the leader diverged for another cause: a majority off by one", async () => {
    const mutant = await loadMutant(ROOT, VARIANTS.find((v) => v.rules[0] === "R-CLUSTER-5")!);
    let failures = 0;
    for (const g of await loadGoldens(ROOT)) {
      if (!/^(cluster|commit|partition)\//.test(g.name)) continue;
      const got = mutant.runScenario(g.scenario, { trace: true });
      const cmp = compareSnapshots(g.snapshots, got.snapshots);
      if (cmp.kind !== "mismatch") continue;
      failures++;
      const hints = diagnose(g, cmp.index, cmp.expected, cmp.actualHex, got.trace ?? []).hints.join("\n");
      expect(hints, g.name).not.toMatch(HINT);
      expect(hints, g.name).not.toMatch(ISOLATED);
    }
    expect(failures).toBeGreaterThan(0);
  });
});
