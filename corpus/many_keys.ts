// A store past 2^16 live keys, for the scale check (runner/checks/scale_store.ts): the corpus's largest store
// has 1,500 keys, and a golden of this one would be tens of megabytes, so it is generated and its expected
// bytes computed by the reference at run time instead. Deterministic.
import type { NormalizedScenario, Step } from "../reference/index.js";

/** Past 2^16, where a 16-bit count or index wraps and a store or sort that changes method at some size has long done so. */
export const MANY_KEYS = 70_000;

/**
 * Key prefixes whose UTF-8 byte order (R-STORE-1) is neither their UTF-16 order ("\ue000" and the astral
 * "😀"), nor ASCII case order, followed by unpadded numbers, so that byte order is not numeric order either
 * ("k10" < "k9").
 */
const PREFIXES = ["k", "K", "\u00e9", "\u{1f600}", "\ue000"] as const;

/** Coprime with any count that has no factor 7919: the keys are put in an order that is neither sorted nor their numbers'. */
const STRIDE = 7919;

export function manyKeysKey(i: number): string {
  return `${PREFIXES[i % PREFIXES.length]}${Math.floor(i / PREFIXES.length)}`;
}

/**
 * `keys` distinct keys put in a scrambled order while follower 3 is isolated for the second half; with
 * `compact`, the leader compacts meanwhile (SPEC.md 3.3), so that 3's rejoin installs its snapshot
 * (R-INSTALL-1) instead of copying half the store (R-REJOIN-2), and follower 4 compacts before it crashes, so
 * that its restart restores all of them (R-RESTART-2). The snapshot at the end is of those three nodes only:
 * each snapshot of the whole store costs a port (and the reference) as much as every put before it.
 */
export function manyKeysScenario(keys = MANY_KEYS, compact = false): NormalizedScenario {
  const steps: Step[] = [];
  for (let j = 0; j < keys; j++) {
    if (j === keys >> 1) steps.push({ op: "partition", nodes: [3] });
    const i = (j * STRIDE) % keys;
    steps.push({ op: "put", key: manyKeysKey(i), value: (i & 0xffff).toString(16).padStart(4, "0") });
  }
  if (compact) steps.push({ op: "compact", node: 1 });
  steps.push({ op: "partition", nodes: [] });
  if (compact) steps.push({ op: "compact", node: 4 });
  steps.push({ op: "crash", node: 4 }, { op: "restart", node: 4 }, { op: "snapshot", nodes: [1, 3, 4] });
  return { cluster: { nodes: 5, leader: 1 }, steps: steps as [Step, ...Step[]] };
}
