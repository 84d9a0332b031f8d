// The snapshot wire format (SPEC.md section 4): encode, and decode with the byte span of every field so a
// mismatch can be reported as "offset 37, in the key length of pair 2" rather than as a hex dump.
import { hexToBytes } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import type { Pair } from "./store.js";

export const MAGIC = Uint8Array.of(0x52, 0x4b, 0x56, 0x31); // "RKV1", R-WIRE-1
const HEADER_SIZE = 4 + 8 + 8 + 8 + 4;

export interface SnapshotFields {
  readonly currentTerm: bigint;
  readonly lastIncludedIndex: bigint;
  readonly lastIncludedTerm: bigint;
  /** Ascending by UTF-8 key bytes (R-STORE-1). */
  readonly pairs: readonly SnapshotPair[];
}

export interface SnapshotPair {
  readonly keyBytes: Uint8Array;
  readonly value: Uint8Array;
}

/** The snapshot of a node whose store holds `pairs` (already sorted) and that applied through `lastApplied`. */
export function snapshotFields(currentTerm: number, lastApplied: number, pairs: readonly Pair[]): SnapshotFields {
  return {
    currentTerm: BigInt(currentTerm), // R-WIRE-2
    lastIncludedIndex: BigInt(lastApplied), // R-WIRE-3
    lastIncludedTerm: lastApplied === 0 ? 0n : 1n, // R-WIRE-4: every entry has term 1 (R-LOG-1)
    pairs: pairs.map((p) => ({ keyBytes: p.key.bytes, value: hexToBytes(p.value) })),
  };
}

/** One pass into a buffer sized up front. */
export function encodeSnapshot(s: SnapshotFields): Uint8Array {
  let size = HEADER_SIZE + 4;
  for (const p of s.pairs) size += 8 + p.keyBytes.length + p.value.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setBigUint64(4, s.currentTerm);
  view.setBigUint64(12, s.lastIncludedIndex);
  view.setBigUint64(20, s.lastIncludedTerm);
  view.setUint32(28, s.pairs.length); // R-WIRE-5
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

/** A named byte range of a snapshot, for diagnosis. */
export interface FieldSpan {
  readonly field: string;
  readonly start: number;
  readonly end: number;
  readonly rule: string;
}

export interface DecodedSnapshot extends SnapshotFields {
  readonly magic: Uint8Array;
  readonly crc: number;
  readonly computedCrc: number;
  readonly crcOk: boolean;
  readonly spans: readonly FieldSpan[];
}

export class SnapshotDecodeError extends Error {
  override readonly name = "SnapshotDecodeError";
  constructor(
    message: string,
    readonly offset: number,
    readonly spans: readonly FieldSpan[],
  ) {
    super(message);
  }
}

/** Decodes a snapshot, checking every length against the bytes that are there. */
export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spans: FieldSpan[] = [];
  let at = 0;
  const take = (field: string, size: number, rule: string): number => {
    if (at + size > bytes.length) {
      throw new SnapshotDecodeError(
        `snapshot ends at byte ${bytes.length} inside ${field} (bytes ${at}..${at + size - 1})`,
        bytes.length,
        spans,
      );
    }
    spans.push({ field, start: at, end: at + size, rule });
    const start = at;
    at += size;
    return start;
  };
  const magic = bytes.slice(take("magic", 4, "R-WIRE-1"), 4);
  const currentTerm = view.getBigUint64(take("current_term", 8, "R-WIRE-2"));
  const lastIncludedIndex = view.getBigUint64(take("last_included_index", 8, "R-WIRE-3"));
  const lastIncludedTerm = view.getBigUint64(take("last_included_term", 8, "R-WIRE-4"));
  const count = view.getUint32(take("pair count", 4, "R-WIRE-5"));
  const pairs: SnapshotPair[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = view.getUint32(take(`key length of pair ${i}`, 4, "R-WIRE-8"));
    const keyStart = take(`key bytes of pair ${i}`, keyLength, "R-WIRE-6");
    const valueLength = view.getUint32(take(`value length of pair ${i}`, 4, "R-WIRE-8"));
    const valueStart = take(`value bytes of pair ${i}`, valueLength, "R-WIRE-6");
    pairs.push({
      keyBytes: bytes.slice(keyStart, keyStart + keyLength),
      value: bytes.slice(valueStart, valueStart + valueLength),
    });
  }
  const crcAt = take("crc", 4, "R-WIRE-7");
  const crc = view.getUint32(crcAt);
  if (at !== bytes.length) {
    throw new SnapshotDecodeError(`${bytes.length - at} trailing bytes after the crc`, at, spans);
  }
  const computedCrc = crc32c(bytes, 0, crcAt);
  return { magic, currentTerm, lastIncludedIndex, lastIncludedTerm, pairs, crc, computedCrc, crcOk: crc === computedCrc, spans };
}

/** The field a byte offset falls in, e.g. for the first byte at which two snapshots differ. */
export function fieldAt(spans: readonly FieldSpan[], offset: number): FieldSpan | undefined {
  return spans.find((s) => offset >= s.start && offset < s.end);
}
