// The snapshot wire format (SPEC.md section 4): its fields, and their encoding. Decoding is decode.ts.
import { hexToBytes } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import type { Pair } from "./store.js";

export const MAGIC = Uint8Array.of(0x52, 0x4b, 0x56, 0x31); // "RKV1", R-WIRE-1
export const HEADER_SIZE = 4 + 8 + 8 + 8 + 4; // magic, three terms, pair count: where the pairs start

export type SnapshotPair = { readonly keyBytes: Uint8Array; readonly value: Uint8Array };

/** Section 4's fields: what encodeSnapshot writes, and what the decoder gives for a snapshot it accepts. */
export interface Snapshot {
  readonly currentTerm: bigint;
  readonly lastIncludedIndex: bigint;
  readonly lastIncludedTerm: bigint;
  /** In the order written; iterable more than once (a decoded snapshot walks its bytes on each pass). */
  readonly pairs: Iterable<SnapshotPair>;
}

/**
 * The snapshot of a node whose store holds `pairs` (already sorted), that applied through `lastApplied`,
 * whose entry there has term `lastIncludedTerm` (0 when lastApplied is 0).
 */
export function snapshotFields(currentTerm: number, lastApplied: number, lastIncludedTerm: number, pairs: readonly Pair[]): Snapshot {
  return {
    currentTerm: BigInt(currentTerm), // R-WIRE-2, R-WIRE-9
    lastIncludedIndex: BigInt(lastApplied), // R-WIRE-3
    lastIncludedTerm: BigInt(lastIncludedTerm), // R-WIRE-4, R-WIRE-9: 1 without `elect` (R-LOG-1), 0 for nothing applied
    pairs: pairs.map((p) => ({ keyBytes: p.key.bytes, value: hexToBytes(p.value) })),
  };
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  let size = HEADER_SIZE + 4;
  let count = 0;
  for (const p of s.pairs) {
    size += 8 + p.keyBytes.length + p.value.length;
    count++;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setBigUint64(4, s.currentTerm);
  view.setBigUint64(12, s.lastIncludedIndex);
  view.setBigUint64(20, s.lastIncludedTerm);
  view.setUint32(28, count); // R-WIRE-5
  let at = HEADER_SIZE;
  for (const p of s.pairs) {
    // R-WIRE-6, R-WIRE-8: 4-byte big-endian byte lengths, never character counts.
    view.setUint32(at, p.keyBytes.length);
    out.set(p.keyBytes, at + 4);
    at += 4 + p.keyBytes.length;
    view.setUint32(at, p.value.length);
    out.set(p.value, at + 4);
    at += 4 + p.value.length;
  }
  view.setUint32(at, crc32c(out, 0, at)); // R-WIRE-7, unsigned
  return out;
}
