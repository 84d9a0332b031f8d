import path from "node:path";
import { describe, expect, it } from "vitest";
import { mutationTable, runMutation } from "./mutation.js";
import { VARIANTS, type Variant } from "./variants.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("mutation self-test", () => {
  it("has at least 15 distinct kinds of port bug", () => {
    expect(new Set(VARIANTS.map((v) => v.kind)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(VARIANTS.map((v) => v.id)).size).toBe(VARIANTS.length);
  });

  it("every variant of the reference fails at least one golden vector", async () => {
    const outcomes = await runMutation(ROOT);
    const survivors = outcomes.filter((o) => o.caughtBy.length === 0).map((o) => o.variant.id);
    expect(survivors, mutationTable(outcomes, 0).join("\n")).toEqual([]);
    expect(outcomes).toHaveLength(VARIANTS.length);
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
    expect(mutationTable([outcome!], 222).at(-1)).toMatch(/^SURVIVED control-noop/);
  });

  it("refuses a patch that no longer matches the reference exactly once", async () => {
    const stale: Variant = { id: "control-stale", kind: "control", bug: "", rules: [], patches: [{ file: "store.ts", search: "no such text", replace: "" }] };
    await expect(runMutation(ROOT, [stale])).rejects.toThrow(/matches 0 times, expected exactly once/);
  });
});
