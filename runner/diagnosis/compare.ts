// Comparing a checked result with its golden, byte for byte. Which snapshots, in which order (R-PROTO-6), was
// checked with the reply (runner/adapter/protocol.ts), so here only the bytes can differ.
import type { SnapshotEntry } from "../../reference/index.js";

export type Comparison = { kind: "pass" } | { kind: "mismatch"; index: number; expected: SnapshotEntry; actualHex: string };

/** The first snapshot whose bytes differ is the one reported. */
export function compareSnapshots(expected: readonly SnapshotEntry[], actual: readonly SnapshotEntry[]): Comparison {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i];
    if (a === undefined || e.hex !== a.hex) return { kind: "mismatch", index: i, expected: e, actualHex: a?.hex ?? "" };
  }
  return { kind: "pass" };
}
