// Turns ajv's errors into Problems: one per real mistake, each with the SPEC.md rule id and the words of
// the schema node's x-rule and x-expected annotations.
import type { ErrorObject } from "ajv";
import { formatPath, pointerSegments } from "./json_path.js";
import { preview, type Problem } from "./problems.js";
import { SCHEMA_DOCUMENTS } from "./schemas.js";

interface Annotated {
  "x-rule"?: string;
  "x-expected"?: string;
}

/** Each schema node's parent, so an unannotated node (an anyOf branch) can borrow its parent's words. */
const parents = new WeakMap<object, object>();
function indexParents(node: unknown): void {
  if (node === null || typeof node !== "object") return;
  for (const child of Object.values(node)) {
    if (child !== null && typeof child === "object" && !parents.has(child)) {
      parents.set(child, node);
      indexParents(child);
    }
  }
}
for (const doc of Object.values(SCHEMA_DOCUMENTS)) indexParents(doc);

/** The nearest schema node at or above the failing keyword's schema that carries an x-rule. */
function annotationFor(parentSchema: unknown): Annotated {
  let node = parentSchema as object | undefined;
  while (node !== undefined) {
    if ((node as Annotated)["x-rule"]) return node as Annotated;
    node = parents.get(node);
  }
  return {};
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const s of pointerSegments(pointer)) node = (node as Record<string | number, unknown> | undefined)?.[s];
  return node;
}

/**
 * An anyOf failing at X (cas `expected`, snapshot `nodes`) makes ajv report every branch. When some error
 * lies deeper than X, one branch got far enough that its error is the real one; otherwise the anyOf
 * itself ("null or bytes") says best what was expected.
 */
function pruneAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  for (const alt of errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")) {
    const deeper = kept.some((e) => e.instancePath.startsWith(`${alt.instancePath}/`));
    kept = kept.filter((e) => e.instancePath !== alt.instancePath || (!deeper && e === alt));
  }
  return kept;
}

/** Needs ajv's `verbose` option, which gives each error the schema node it failed in. */
export function schemaProblems(document: unknown, errors: readonly ErrorObject[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of pruneAlternatives(errors)) {
    // A missing op is reported once, as missing, not again as an unknown op.
    if (e.keyword === "discriminator" && e.params.tagValue === undefined) continue;
    const a = annotationFor(e.parentSchema);
    const rule = a["x-rule"] ?? "R-SCEN-1";
    const expected = a["x-expected"] ?? e.message ?? "something else";
    const segments = pointerSegments(e.instancePath);
    let message: string;
    if (e.keyword === "required") {
      segments.push(String(e.params.missingProperty));
      message = `missing; expected ${expected}`;
    } else if (e.keyword === "additionalProperties") {
      segments.push(String(e.params.additionalProperty));
      message = `unexpected property; expected ${expected}`;
    } else if (e.keyword === "discriminator") {
      segments.push(String(e.params.tag));
      message = `expected ${expected}, got ${preview(e.params.tagValue)}`;
    } else {
      message = `expected ${expected}, got ${preview(valueAt(document, e.instancePath))}`;
    }
    const problem = { path: formatPath(segments), rule, message };
    const key = `${problem.path}\0${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  return problems;
}
