// Which SPEC.md rules a snapshot difference most likely breaks. A guess, ranked, from three clues: the field
// the first differing byte falls in, the op of the step where the port's state first diverged, and the ops
// the scenario applied to the key involved. Kept in one place so the mapping can be reviewed against SPEC.md;
// the summaries printed beside the ids come from SPEC.md's rule index itself (common/spec_rules.ts).
import type { NormalizedScenario, Step } from "../../reference/index.js";
import type { SnapshotWithPairs } from "./hints.js";

const OP_RULES: Readonly<Record<Step["op"], readonly string[]>> = {
  put: ["R-PUT-1"],
  delete: ["R-DELETE-1"],
  append: ["R-APPEND-1"],
  incr: ["R-INCR-1", "R-INCR-2", "R-INCR-3"],
  cas: ["R-CAS-1", "R-CAS-2", "R-CAS-3"],
  partition: ["R-PART-1", "R-REJOIN-2", "R-ROUND-1"],
  crash: ["R-CRASH-3", "R-COMMIT-1"],
  restart: ["R-RESTART-2", "R-REJOIN-2"],
  heal: ["R-HEAL-1", "R-REJOIN-2"],
  snapshot: ["R-SNAP-3"],
  compact: ["R-COMPACT-2", "R-SAVED-3", "R-INSTALL-1"],
  elect: ["R-VOTE-1", "R-VOTE-2", "R-ELECT-4", "R-NOOP-1", "R-COMMIT-4"],
};

export interface RuleClues {
  /** Field name from the snapshot decoder, e.g. "key bytes of pair 0", or null past the expected end. */
  readonly field: string | null;
  /** The step at which the port's state first diverged, when the trace could tell. */
  readonly divergence: Step | null;
  readonly scenario: NormalizedScenario;
  readonly expected: SnapshotWithPairs;
  /** Null when the actual bytes are not section 4's layout. */
  readonly actual: SnapshotWithPairs | null;
}

/** The same pairs, differently ordered: the signature of a sort by UTF-16 or signed bytes. */
export function sameOtherOrder(a: SnapshotWithPairs, b: SnapshotWithPairs): boolean {
  if (a.pairs.length !== b.pairs.length) return false;
  const key = (p: { keyBytes: Uint8Array; value: Uint8Array }) => `${Buffer.from(p.keyBytes).toString("hex")}=${Buffer.from(p.value).toString("hex")}`;
  const left = a.pairs.map(key);
  const right = b.pairs.map(key);
  return left.join(",") !== right.join(",") && [...left].sort().join(",") === [...right].sort().join(",");
}

/** Rules for the ops the scenario applied to the key of pair `index` of the expected snapshot. */
function keyRules(c: RuleClues, index: number): string[] {
  const pair = c.expected.pairs[index];
  if (pair === undefined) return [];
  const key = new TextDecoder().decode(pair.keyBytes);
  const rules: string[] = [];
  for (const step of c.scenario.steps) {
    if ("key" in step && step.key === key) rules.push(...OP_RULES[step.op]);
  }
  if (pair.value.length === 0) rules.push("R-STORE-2");
  return rules;
}

function fieldRules(c: RuleClues): string[] {
  const f = c.field;
  if (f === null) return ["R-WIRE-5", "R-WIRE-6"];
  const pairIndex = Number(/pair (\d+)/.exec(f)?.[1] ?? -1);
  if (f === "magic") return ["R-WIRE-1"];
  if (f === "current_term") return ["R-WIRE-2", ...(c.scenario.steps.some((s) => s.op === "elect") ? ["R-WIRE-9", "R-VOTE-1", "R-ROUND-2"] : [])];
  if (f === "last_included_index") return ["R-WIRE-3", "R-APPLY-1", "R-COMMIT-1", ...(c.scenario.cluster.nodes % 2 === 0 ? ["R-CLUSTER-5"] : [])];
  if (f === "last_included_term") return ["R-WIRE-4", ...(c.scenario.steps.some((s) => s.op === "elect") ? ["R-WIRE-9", "R-NOOP-1"] : [])];
  if (f === "pair count") return ["R-WIRE-5"];
  if (f === "crc") return ["R-WIRE-7"];
  if (f.startsWith("key length")) return ["R-WIRE-8", "R-WIRE-6"];
  if (f.startsWith("key bytes")) return ["R-WIRE-6", "R-STORE-1", ...keyRules(c, pairIndex)];
  if (f.startsWith("value length")) return ["R-WIRE-8", ...keyRules(c, pairIndex)];
  if (f.startsWith("value bytes")) return [...keyRules(c, pairIndex), "R-WIRE-6"];
  return [];
}

/** Ranked and without repeats; the first is the best guess. */
export function likelyRules(c: RuleClues): string[] {
  const rules: string[] = [];
  if (c.actual !== null && sameOtherOrder(c.expected, c.actual)) rules.push("R-STORE-1", "R-WIRE-6");
  if (c.actual !== null && c.actual.crc !== c.actual.computedCrc) rules.push("R-WIRE-7");
  // A node that should have caught up but holds nothing: rejoin never happened.
  const emptied = c.actual !== null && c.actual.pairs.length === 0 && c.expected.pairs.length > 0;
  const op = c.divergence?.op;
  if (emptied && (op === "restart" || op === "heal" || op === "partition")) rules.push("R-REJOIN-2", ...OP_RULES[op]);
  rules.push(...fieldRules(c));
  if (op !== undefined) rules.push(...OP_RULES[op]);
  return [...new Set(rules)].slice(0, 6);
}
