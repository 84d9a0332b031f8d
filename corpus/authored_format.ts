// Authored scenario files written by the kit's own tools (the scenario generator, the fuzzer's
// counterexamples): one step per line, so they read and diff step by step, and every character a reader
// could not see or tell apart escaped, since the keys that trap ports are exactly those.
import type { AuthoredScenario, NormalizedScenario } from "../reference/index.js";
import type { AuthoredStep } from "../reference/types/scenario.gen.js";

/**
 * Characters a terminal or editor shows as nothing, as a box, or merged into a neighbour: controls, format
 * characters, private use, unassigned code points and noncharacters (U+E000, U+FFFF), separators other than
 * space, and combining marks (so "e\u0301" never looks like "\u00e9").
 */
export const HIDDEN = /(?! )[\p{C}\p{Z}\p{M}\p{Noncharacter_Code_Point}]/gu;

/** JSON text with every HIDDEN character written as \uXXXX escapes (surrogate pairs for astral ones). */
export function visibleJson(value: unknown): string {
  return JSON.stringify(value).replace(HIDDEN, (c) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""));
}

/** The shape of an authored scenario file (schema/scenario.schema.json), loose enough for generators. */
export interface AuthoredFile {
  readonly description: string;
  readonly tags?: readonly string[];
  readonly rules?: readonly string[];
  readonly cluster?: object;
  readonly steps: readonly object[];
}

export function formatAuthored(a: AuthoredFile): string {
  const head = [`  "description": ${visibleJson(a.description)}`, `  "tags": ${visibleJson(a.tags ?? [])}`];
  if (a.rules) head.push(`  "rules": ${visibleJson(a.rules)}`);
  if (a.cluster) head.push(`  "cluster": ${visibleJson(a.cluster)}`);
  return `{\n${head.join(",\n")},\n  "steps": [\n${a.steps.map((st) => `    ${visibleJson(st)}`).join(",\n")}\n  ]\n}\n`;
}

/** A normalized scenario (a generated or shrunk one) as an authored file says it: bytes as {"hex": ...}. */
export function toAuthored(s: NormalizedScenario, description: string, tags: string[]): AuthoredScenario {
  const steps = s.steps.map((step): AuthoredStep => {
    switch (step.op) {
      case "put":
      case "append":
        return { op: step.op, key: step.key, value: { hex: step.value } };
      case "cas":
        return { op: "cas", key: step.key, expected: step.expected === null ? null : { hex: step.expected }, value: { hex: step.value } };
      default:
        return step as AuthoredStep;
    }
  });
  return { description, tags, cluster: { ...s.cluster }, steps: steps as AuthoredScenario["steps"] };
}
