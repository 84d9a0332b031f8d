// Imports point one way (docs/developing.md): reference/ and common/ at the bottom, cli/ on top, no circle.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importCircles, importEdges, layerProblem } from "./import_map.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const edges = importEdges(ROOT);

describe("the kit's layering", () => {
  it("reads a real tree (a guard against a walk that finds nothing)", () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === "runner/conformance_cmd.ts")).toBe(true);
  });

  it("has no import up between top-level folders", () => {
    expect(edges.map(layerProblem).filter((p) => p !== null)).toEqual([]);
  });

  it("has no circle among the production files, type-only imports included", () => {
    expect(importCircles(edges)).toEqual([]);
  });

  it("keeps reference/ free of node: modules, so the same input always gives the same bytes", async () => {
    const { readFileSync } = await import("node:fs");
    const ts = (await import("typescript")).default;
    const offenders = [...new Set(edges.map((e) => e.from))]
      .filter((f) => f.startsWith("reference/") && !f.endsWith(".test.ts"))
      .filter((f) => ts.preProcessFile(readFileSync(path.join(ROOT, f), "utf8"), true, true).importedFiles.some((i) => i.fileName.startsWith("node:")));
    expect(offenders).toEqual([]);
  });

  it("catches what it is for: an upward import, an import of cli/, an adapter reached into, and a circle", () => {
    expect(layerProblem({ from: "corpus/golden.ts", to: "runner/model.ts" })).toMatch(/corpus\/ may import only/);
    expect(layerProblem({ from: "common/errors.ts", to: "reference/index.ts" })).toMatch(/common\/ may import only/);
    expect(layerProblem({ from: "runner/model.ts", to: "cli/cli.ts" })).toMatch(/roof/);
    expect(layerProblem({ from: "runner/corpus.ts", to: "adapters/ts/adapter.ts" })).toMatch(/reaches into an adapter/);
    expect(layerProblem({ from: "runner/fixtures/ports/v1_port.ts", to: "adapters/ts/adapter.ts" })).toBeNull();
    expect(importCircles([{ from: "a/x.ts", to: "a/y.ts" }, { from: "a/y.ts", to: "a/x.ts" }])).toEqual([["a/x.ts", "a/y.ts"]]);
  });
});
