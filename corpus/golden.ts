// Building golden vectors from the reference (SPEC.md section 8) and writing them in a layout whose diffs
// a maintainer can review: one step per line, one snapshot per line.
import { createHash } from "node:crypto";
import { formatProblem, loadScenarioBytes, requiredFeatures, runScenario, type GoldenVector, type NormalizedScenario } from "../reference/index.js";

export type GoldenOutcome = { ok: true; golden: GoldenVector } | { ok: false; lines: string[] };

/** `source` is the scenario's path relative to the repository root, with "/" separators. */
export function buildGolden(name: string, source: string, bytes: Uint8Array): GoldenOutcome {
  // Strict UTF-8 (R-FILE-1): a replacing decoder turned a bad byte in a key into U+FFFD, silently.
  const loaded = loadScenarioBytes(bytes);
  if (!loaded.ok) return { ok: false, lines: loaded.problems.map((p) => formatProblem(source, p)) };
  const { authored, scenario } = loaded;
  const golden: GoldenVector = {
    ...goldenFor(name, scenario, authored.description),
    source,
    source_sha256: createHash("sha256").update(bytes).digest("hex"),
    tags: authored.tags ?? [],
    rules: authored.rules ?? [],
  };
  return { ok: true, golden };
}

/**
 * The golden of a scenario that has no authored file (the benchmark's tiny corpus, the linear-time guard,
 * a fuzz counterexample being diagnosed): the reference's snapshots, with the name as its source and no hash.
 */
export function goldenFor(name: string, scenario: NormalizedScenario, description: string): GoldenVector {
  return {
    format: 1,
    name,
    source: name,
    source_sha256: "0".repeat(64),
    description,
    tags: [],
    rules: [],
    features: requiredFeatures(scenario),
    scenario,
    snapshots: runScenario(scenario).snapshots as GoldenVector["snapshots"],
  };
}

/** The fields every golden, scenario or decode, begins with (SPEC.md section 8), one per line. */
export function goldenHeadLines(g: Pick<GoldenVector, "format" | "name" | "source" | "source_sha256" | "description" | "tags" | "rules"> & { features: unknown }): string[] {
  const j = (v: unknown) => JSON.stringify(v);
  return [
    "{",
    `  "format": ${j(g.format)},`,
    `  "name": ${j(g.name)},`,
    `  "source": ${j(g.source)},`,
    `  "source_sha256": ${j(g.source_sha256)},`,
    `  "description": ${j(g.description)},`,
    `  "tags": ${j(g.tags)},`,
    `  "rules": ${j(g.rules)},`,
    `  "features": ${j(g.features)},`,
  ];
}

/** Stable text: key order as in SPEC.md section 8, steps and snapshots one per line. */
export function formatGolden(g: GoldenVector): string {
  const j = (v: unknown) => JSON.stringify(v);
  const list = (items: readonly unknown[], indent: string) => `[\n${items.map((x) => `${indent}  ${j(x)}`).join(",\n")}\n${indent}]`;
  return [
    ...goldenHeadLines(g),
    `  "scenario": {`,
    `    "cluster": ${j(g.scenario.cluster)},`,
    `    "steps": ${list(g.scenario.steps, "    ")}`,
    `  },`,
    `  "snapshots": ${list(g.snapshots, "  ")}`,
    "}",
    "",
  ].join("\n");
}
