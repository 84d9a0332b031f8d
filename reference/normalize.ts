// Load, validate and normalize an authored scenario (SPEC.md sections 5 and 6).
import { bytesToHex, invalidUtf8At, utf8Bytes } from "./bytes.js";
import type { Problem } from "./problems.js";
import { schemaProblems } from "./schema_problems.js";
import { validator } from "./schemas.js";
import type { NormalizedScenario, Step } from "./types/normalized.gen.js";
import type { AuthoredScenario, AuthoredStep, Bytes } from "./types/scenario.gen.js";
import { semanticProblems } from "./validate.js";
import { authoredSizeProblems, normalizedSizeProblems } from "./limits.js";

/**
 * SPEC.md section 7's optional features, in its order: the one list of them. The first six are what a
 * scenario can need (section 6); `decode` is what a decode vector needs.
 */
export const FEATURES = ["append", "incr", "cas", "crash", "compact", "elect", "decode"] as const;
export type Feature = (typeof FEATURES)[number];
/** The features a scenario's steps can need. */
export type ScenarioFeature = Exclude<Feature, "decode">;

export type LoadResult =
  | { ok: true; authored: AuthoredScenario; scenario: NormalizedScenario; features: ScenarioFeature[] }
  | { ok: false; problems: Problem[] };

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A scenario file's bytes as text (R-FILE-1: UTF-8), or the one problem with them. A byte-order mark is
 * refused rather than skipped: SPEC.md section 5 asks for UTF-8 JSON text, which has none (RFC 8259 8.1),
 * and `validate` and `vectors` must agree on it. Invalid UTF-8 is never replaced by U+FFFD, which would
 * silently change a key.
 */
export function scenarioText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; problem: Problem } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { ok: false, problem: { path: "", rule: "R-FILE-1", message: "starts with a byte-order mark (ef bb bf); expected UTF-8 JSON text without one" } };
  }
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, problem: { path: "", rule: "R-FILE-1", message: `not UTF-8 at byte ${invalidUtf8At(bytes)}` } };
  }
}

/** Checks a scenario file's bytes: UTF-8 (R-FILE-1), then as loadScenario. */
export function loadScenarioBytes(bytes: Uint8Array): LoadResult {
  const decoded = scenarioText(bytes);
  return decoded.ok ? loadScenario(decoded.text) : { ok: false, problems: [decoded.problem] };
}

/** Parses and checks scenario text: R-FILE-1, then the schema, then the semantic rules, then the size limits. */
export function loadScenario(text: string): LoadResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ path: "(root)", rule: "R-FILE-1", message: `not JSON: ${(err as Error).message}` }] };
  }
  return checkScenario(document);
}

export function checkScenario(document: unknown): LoadResult {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    const got = document === null ? "null" : Array.isArray(document) ? "an array" : typeof document;
    return { ok: false, problems: [{ path: "(root)", rule: "R-FILE-1", message: `expected a JSON object, got ${got}` }] };
  }
  const validate = validator("scenario.schema.json");
  if (!validate(document)) {
    return { ok: false, problems: schemaProblems(document, validate.errors ?? []) };
  }
  const authored = document as AuthoredScenario;
  const problems = semanticProblems(authored);
  if (problems.length > 0) return { ok: false, problems };
  // R-SIZE-1..4: the values before normalizing writes them as hex, the rest on the normalized form.
  const tooLarge = authoredSizeProblems(authored);
  if (tooLarge.length > 0) return { ok: false, problems: tooLarge };
  const scenario = normalize(authored);
  const overLimit = normalizedSizeProblems(scenario);
  if (overLimit.length > 0) return { ok: false, problems: overLimit };
  return { ok: true, authored, scenario, features: requiredFeatures(scenario) };
}

function bytesHex(b: Bytes): string {
  return b.hex !== undefined ? b.hex.toLowerCase() : bytesToHex(utf8Bytes(b.utf8!));
}

/** R-NORM-1..4. Assumes a valid scenario. */
function normalize(s: AuthoredScenario): NormalizedScenario {
  const nodes = s.cluster?.nodes ?? 3; // R-CLUSTER-1
  const leader = s.cluster?.leader ?? 1; // R-CLUSTER-2
  const steps = s.steps.map((step: AuthoredStep): Step => {
    switch (step.op) {
      case "put":
      case "append":
        return via(step, { op: step.op, key: step.key, value: bytesHex(step.value) });
      case "delete":
        return via(step, { op: "delete", key: step.key });
      case "incr":
        return via(step, { op: "incr", key: step.key, delta: step.delta });
      case "cas":
        return via(step, { op: "cas", key: step.key, expected: step.expected === null ? null : bytesHex(step.expected), value: bytesHex(step.value) });
      case "partition":
        return { op: "partition", nodes: [...step.nodes] };
      case "crash":
      case "restart":
      case "compact":
      case "elect":
        return { op: step.op, node: step.node };
      case "heal":
        return { op: "heal" };
      case "snapshot": {
        const ids = step.nodes === "all" ? Array.from({ length: nodes }, (_, i) => i + 1) : [...step.nodes];
        return { op: "snapshot", nodes: ids as [number, ...number[]] };
      }
    }
  });
  return { cluster: { nodes, leader }, steps: steps as [Step, ...Step[]] };
}

/** R-NORM-4: a client command keeps `via` exactly when the authored step has it, and in the last place. */
function via<T extends Step>(authored: { via?: number }, step: T): T {
  return authored.via === undefined ? step : { ...step, via: authored.via };
}

/**
 * SPEC.md section 6: the optional features a scenario needs, in the fixed order append, incr, cas, crash,
 * compact, elect. R-ELECT-1: a `via` needs `elect` as an `elect` step does.
 */
export function requiredFeatures(s: NormalizedScenario): ScenarioFeature[] {
  const ops = new Set<string>(s.steps.map((st) => st.op));
  if (s.steps.some((st) => "via" in st)) ops.add("elect");
  return FEATURES.filter((f): f is ScenarioFeature => ops.has(f) || (f === "crash" && ops.has("restart")));
}

