// Building golden vectors from the reference (SPEC.md section 8) and writing them in a layout whose diffs
// a maintainer can review: one step per line, one snapshot per line.
import { createHash } from "node:crypto";
import { formatProblem, loadScenario, runScenario, type GoldenVector } from "../reference/index.js";

export type GoldenOutcome = { ok: true; golden: GoldenVector } | { ok: false; lines: string[] };

/** `source` is the scenario's path relative to the repository root, with "/" separators. */
export function buildGolden(name: string, source: string, bytes: Uint8Array): GoldenOutcome {
  const loaded = loadScenario(new TextDecoder().decode(bytes));
  if (!loaded.ok) return { ok: false, lines: loaded.problems.map((p) => formatProblem(source, p)) };
  const { authored, scenario, features } = loaded;
  const { snapshots } = runScenario(scenario);
  const golden: GoldenVector = {
    format: 1,
    name,
    source,
    source_sha256: createHash("sha256").update(bytes).digest("hex"),
    description: authored.description,
    tags: authored.tags ?? [],
    features,
    scenario,
    snapshots: snapshots as GoldenVector["snapshots"],
  };
  return { ok: true, golden };
}

/** Stable text: key order as in SPEC.md section 8, steps and snapshots one per line. */
export function formatGolden(g: GoldenVector): string {
  const j = (v: unknown) => JSON.stringify(v);
  const list = (items: readonly unknown[], indent: string) => `[\n${items.map((x) => `${indent}  ${j(x)}`).join(",\n")}\n${indent}]`;
  return [
    "{",
    `  "format": ${j(g.format)},`,
    `  "name": ${j(g.name)},`,
    `  "source": ${j(g.source)},`,
    `  "source_sha256": ${j(g.source_sha256)},`,
    `  "description": ${j(g.description)},`,
    `  "tags": ${j(g.tags)},`,
    `  "features": ${j(g.features)},`,
    `  "scenario": {`,
    `    "cluster": ${j(g.scenario.cluster)},`,
    `    "steps": ${list(g.scenario.steps, "    ")}`,
    `  },`,
    `  "snapshots": ${list(g.snapshots, "  ")}`,
    "}",
    "",
  ].join("\n");
}
