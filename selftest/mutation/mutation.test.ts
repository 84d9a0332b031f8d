import path from "node:path";
import { describe, expect, it } from "vitest";
import { mutationTable, rankFigures, runMutation } from "./mutation.js";
import { VARIANTS, type Variant } from "./variants.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Variants whose rule the ranking puts first, and in its top three, as `npm run mutation` measured them on the
 * declared corpus with the history and election-state hints (53 and 60 of 64, counting a variant whose
 * answers equal another's when either's rule ranks): floors, never lowered to pass. Issue 23 aims at 90% first
 * and all in the top three; docs/corpus.md says which variants miss and why.
 */
const FIRST = 53;
const TOP_THREE = 60;

describe("mutation self-test", () => {
  it("has at least 15 distinct kinds of port bug", () => {
    expect(new Set(VARIANTS.map((v) => v.kind)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(VARIANTS.map((v) => v.id)).size).toBe(VARIANTS.length);
  });

  it("every variant of the reference fails at least one golden vector, and the run's ranking names its rule", async () => {
    const outcomes = await runMutation(ROOT);
    const table = mutationTable(outcomes, 0).join("\n");
    const survivors = outcomes.filter((o) => o.caughtBy.length === 0).map((o) => o.variant.id);
    expect(survivors, table).toEqual([]);
    expect(outcomes).toHaveLength(VARIANTS.length);
    // The figures reached on the corpus as declared (issue 23); a change that ranks worse fails here.
    const f = rankFigures(outcomes);
    expect(f.first, table).toBeGreaterThanOrEqual(FIRST);
    expect(f.topThree, table).toBeGreaterThanOrEqual(TOP_THREE);
    expect(table).toContain(`right rule first in ${f.first} of ${f.variants} variants`);
  });

  it("reports a variant that changes nothing as a survivor (the harness can fail)", async () => {
    const noop: Variant = {
      id: "control-noop",
      kind: "control",
      bug: "none: the patch rewrites a line as itself",
      rules: [],
      patches: [{ file: "store.ts", search: "clone(): Store {", replace: "clone(): Store {" }],
    };
    const [outcome] = await runMutation(ROOT, [noop]);
    expect(outcome!.caughtBy).toEqual([]);
    expect(outcome!.rank).toBeNull();
    expect(mutationTable([outcome!], 222).at(-1)).toMatch(/^SURVIVED control-noop/);
  });

  it("variants that answer every golden alike are named together, and count when either's rule ranks", async () => {
    const base = VARIANTS.find((v) => v.id === "utf16-key-order")!;
    const twin: Variant = { ...base, id: "utf16-key-order-twin", rules: ["R-WIRE-6"] };
    const outcomes = await runMutation(ROOT, [base, twin]);
    expect(outcomes.map((o) => o.sameAnswers)).toEqual([["utf16-key-order-twin"], ["utf16-key-order"]]);
    const [a, b] = outcomes as [(typeof outcomes)[0], (typeof outcomes)[0]];
    // Identical answers give identical rankings, so both hold the better of the two ranks.
    expect(a.ranking).toEqual(b.ranking);
    expect(a.classRank).toBe(Math.min(a.rank ?? Infinity, b.rank ?? Infinity));
    expect(b.classRank).toBe(a.classRank);
    const f = rankFigures(outcomes);
    expect(f.strictFirst).toBe(outcomes.filter((o) => o.rank === 1).length);
    expect(f.first).toBe(a.classRank === 1 ? 2 : 0);
    expect(mutationTable(outcomes, 365).join("\n")).toMatch(/utf16-key-order .*answers every golden as utf16-key-order-twin does/);
  });

  it("refuses a patch that no longer matches the reference exactly once", async () => {
    const stale: Variant = { id: "control-stale", kind: "control", bug: "", rules: [], patches: [{ file: "store.ts", search: "no such text", replace: "" }] };
    await expect(runMutation(ROOT, [stale])).rejects.toThrow(/matches 0 times, expected exactly once/);
  });
});
